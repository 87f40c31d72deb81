// Seeds long histories into an account's IndexedDB the way the app stores them: the app's own database code
// (ParleyDatabase with its at-rest middleware, bundled from inPage/seeder.ts) writes every row sealed under the
// account's history key, with the blind search index terms the app's indexer would have written and the indexer's
// position moved past them. Far faster than the real pipeline (which would encrypt, relay and store each one), and
// the rows are what the app itself would have stored. The conversation's read position and activity move to the
// newest seeded row, as after reading it all.
//
// The app is not running while this writes: the page goes to a plain page of the same origin (same IndexedDB), so
// the app's own indexer and workers never race the seeding, and comes back to the app afterwards (a restart of the
// renderer; the core keeps running and hands over the history key as it would at unlock).
import type { Page } from '@playwright/test';
import type { E2eUser } from '../../e2e/support/world';
import { HistoryKeyView } from '../../src/shared/ipc';
import type { PageSeeder, SearchTiming, SeedAnswer, SeedRequest } from './seederContract';
import { seederSource } from './seederBundle';

export type { SeedAnswer as SeedResult, SeedRequest };

export type SeedOptions = Omit<SeedRequest, 'batch' | 'rareWord' | 'rareEvery'> & Partial<Pick<SeedRequest, 'batch' | 'rareWord' | 'rareEvery'>>;

/** The word put into one message in 10,000 (search for few hits among many). */
export const RARE_WORD = 'quokka';
const RARE_EVERY = 10_000;

/** The account's history key (base64), as main hands it to the renderer at unlock (IPC `history.key`). */
async function historyKey(user: E2eUser): Promise<string> {
  const answer = await user.shell.core.dispatch('history.key', {}, { trusted: true });
  if (!answer.ok) throw new Error(`history.key: ${answer.error.code}`);
  return HistoryKeyView.parse(answer.value).key;
}

/** Loads the seeder into the page and opens the account's database with it. */
async function openSeeder(page: Page, user: E2eUser, username: string): Promise<void> {
  await page.evaluate(await seederSource());
  const key = await historyKey(user);
  await page.evaluate(async ({ username, key }) => {
    const seeder = (globalThis as unknown as { parleyBenchSeeder: PageSeeder }).parleyBenchSeeder;
    seeder.opened = await seeder.open(username, key);
  }, { username, key });
}

function closeSeeder(page: Page): Promise<void> {
  return page.evaluate(() => (globalThis as unknown as { parleyBenchSeeder: PageSeeder }).parleyBenchSeeder.opened?.close());
}

/** Seeds each history in turn with the app closed, then opens the app again. */
export async function seedHistories(user: E2eUser, username: string, histories: readonly SeedOptions[]): Promise<SeedAnswer[]> {
  const page = user.page;
  await page.goto(new URL('/bench-seeding', user.shell.url).href);
  await openSeeder(page, user, username);
  const answers: SeedAnswer[] = [];
  for (const history of histories) {
    const request: SeedRequest = { batch: 5_000, rareWord: RARE_WORD, rareEvery: RARE_EVERY, ...history };
    answers.push(await page.evaluate((request) => (globalThis as unknown as { parleyBenchSeeder: PageSeeder }).parleyBenchSeeder.opened!.seed(request), request));
  }
  await closeSeeder(page);
  await page.goto(user.shell.url);
  return answers;
}

/**
 * The app's searchMessages on the running app's database (a second connection in the app's page, the same code
 * and keys as the app's): `repetitions` runs of each query, in turns.
 */
export async function searchTimings(user: E2eUser, username: string, queries: readonly string[], limit: number, repetitions: number): Promise<Map<string, SearchTiming[]>> {
  const page = user.page;
  await openSeeder(page, user, username);
  const timings = new Map<string, SearchTiming[]>(queries.map((query) => [query, []]));
  for (let rep = 0; rep < repetitions; rep++) {
    for (const query of queries) {
      timings.get(query)!.push(await page.evaluate(({ query, limit }) => (globalThis as unknown as { parleyBenchSeeder: PageSeeder }).parleyBenchSeeder.opened!.search(query, limit), { query, limit }));
    }
  }
  await closeSeeder(page);
  return timings;
}
