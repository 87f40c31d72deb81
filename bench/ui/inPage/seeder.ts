// bench:ui's hands inside the page (bundled by ../seederBundle.ts, evaluated in a page of the app's origin): the
// app's own database code writes and reads the history, so seeded rows are exactly what the app stores — sealed at
// rest by its middleware (db/atRest), with the blind search index postings its indexer would have written — and
// search is timed on the app's own searchMessages. Compiled with the renderer's (DOM) types.
import { importHistoryKeys } from '../../../src/renderer/db/atRest/historyKeys';
import { databaseName, ParleyDatabase } from '../../../src/renderer/db/database';
import type { MessageRow } from '../../../src/renderer/db/rows';
import { hashTerm, termPrefixesOf } from '../../../src/renderer/db/search/blindTerms';
import { setIndexedTerms } from '../../../src/renderer/db/search/postings';
import { searchMessages } from '../../../src/renderer/db/search/searchMessages';
import { fromBase64 } from '../../../src/shared/encoding/base64';
import type { BenchSeeder, PageSeeder } from '../seederContract';

const WORDS = ['sure', 'see you at', 'the', 'train', 'was late again', 'did you read', 'https://example.org/notes', 'tomorrow', 'lunch?', 'ok', 'that makes sense', 'let me check', 'photos from the trip', 'haha', 'on my way', 'can you send', 'the draft', 'thanks!'];

/** The same bodies on every run: a fixed pseudo-random sequence over everyday phrases, numbered. */
function bodies(seed: number, rareWord: string): (i: number, rare: boolean) => string {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  return (i, rare) => {
    const length = 1 + Math.floor(random() * (i % 97 === 0 ? 60 : 14));
    const parts: string[] = [];
    for (let k = 0; k < length; k++) parts.push(WORDS[Math.floor(random() * WORDS.length)]!);
    if (rare) parts.splice(Math.floor(parts.length / 2), 0, rareWord);
    return `${parts.join(' ')}${i % 211 === 0 ? '\nsecond line' : ''} #${i}`;
  };
}

async function openSeeder(username: string, historyKeyBase64: string): Promise<BenchSeeder> {
  const keys = importHistoryKeys(fromBase64(historyKeyBase64));
  const db = new ParleyDatabase(databaseName(username), keys);
  await db.open();
  const termsKey = (await keys).terms;
  // The same hashes blindTermsOf makes (hashTerm is deterministic), each distinct prefix hashed once.
  const hashes = new Map<string, Promise<string>>();
  const hash = (prefix: string) => {
    let known = hashes.get(prefix);
    if (!known) hashes.set(prefix, (known = hashTerm(termsKey, prefix)));
    return known;
  };
  const termsOf = (body: string) => Promise.all(termPrefixesOf(body).map(hash));

  return {
    async seed(request) {
      const started = performance.now();
      const body = bodies(12345, request.rareWord);
      const now = Date.now();
      const span = 365 * 86_400_000;
      const start = now - span - 3_600_000;
      let direction: 'in' | 'out' = 'in';
      let state = 777;
      const flip = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648 < 0.35;
      let firstSeq = 0;
      let lastSeq = 0;
      let newestMessageId = '';
      let termsMs = 0;
      for (let from = 0; from < request.count; from += request.batch) {
        const rows: MessageRow[] = [];
        const terms: string[][] = [];
        const termsStarted = performance.now();
        for (let i = from; i < Math.min(request.count, from + request.batch); i++) {
          if (flip()) direction = direction === 'in' ? 'out' : 'in';
          const timestamp = start + Math.floor((span * i) / request.count);
          const messageId = `seed${String(i).padStart(8, '0')}${request.conversationId.replace(/\W/g, '')}`.slice(0, 64);
          const text = body(i, request.rareEvery > 0 && i % request.rareEvery === Math.floor(request.rareEvery / 2));
          rows.push({
            conversationId: request.conversationId,
            messageId,
            sender: direction === 'in' ? request.peer : username,
            direction,
            body: text,
            timestamp,
            ...(direction === 'out' ? { status: 'read' as const, sentAt: timestamp + 200 } : { receivedAt: timestamp + 300 }),
            ...(request.expiresAt !== undefined ? { expiresAt: request.expiresAt, expireTimerSeconds: request.expireTimerSeconds } : {}),
          });
          terms.push(request.withoutTerms ? [] : await termsOf(text));
          newestMessageId = messageId;
        }
        termsMs += performance.now() - termsStarted;
        // The rows and their postings in one transaction: the index is current, as after the app indexed them.
        const seqs = await db.transaction('rw', db.messages, db.postingsByChat, db.messageTerms, async () => {
          const added = await db.messages.bulkAdd(rows, { allKeys: true });
          await setIndexedTerms(
            db,
            rows.map((row, index) => ({ seq: added[index]!, conversationId: row.conversationId, terms: terms[index]! })),
            true,
          );
          return added;
        });
        if (from === 0) firstSeq = seqs[0]!;
        lastSeq = seqs[seqs.length - 1]!;
      }
      // Read to the end, active at the newest message.
      const updated = await db.conversations.update(request.conversationId, {
        lastReadSeq: lastSeq,
        lastActivityAt: start + span,
        ...(request.expireTimerSeconds !== undefined ? { expireTimerSeconds: request.expireTimerSeconds } : {}),
      });
      if (updated !== 1) throw new Error(`no conversation ${request.conversationId} to seed`);
      return { count: request.count, firstSeq, lastSeq, newestMessageId, ms: performance.now() - started, termsMs };
    },

    async search(query, limit) {
      const started = performance.now();
      const hits = await searchMessages(db, query, { limit });
      return { hits: hits.length, ms: performance.now() - started };
    },

    close() {
      db.close();
    },
  };
}

const seeder: PageSeeder = { open: openSeeder };
(globalThis as unknown as { parleyBenchSeeder: PageSeeder }).parleyBenchSeeder = seeder;
