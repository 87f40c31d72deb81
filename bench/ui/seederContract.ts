// What bench:ui's in-page seeder (inPage/seeder.ts) offers, shared by the page side and the Node side.

export interface SeedRequest {
  conversationId: string;
  peer: string;
  count: number;
  /** Rows per transaction. */
  batch: number;
  /** A word put into every `rareEvery`-th message (a search that finds few). */
  rareWord: string;
  rareEvery: number;
  /** Rows without blind-index terms (as if the indexer had passed them over): far faster to write. */
  withoutTerms?: boolean;
  /** Disappearing messages: every row disappears at this time (epoch ms), with this timer. */
  expiresAt?: number;
  expireTimerSeconds?: number;
}

export interface SeedAnswer {
  count: number;
  firstSeq: number;
  lastSeq: number;
  newestMessageId: string;
  ms: number;
  /** Of which making the rows and their blind-index terms (the rest: sealing and writing them). */
  termsMs: number;
}

export interface SearchTiming {
  hits: number;
  ms: number;
}

export interface BenchSeeder {
  seed(request: SeedRequest): Promise<SeedAnswer>;
  search(query: string, limit: number): Promise<SearchTiming>;
  close(): void;
}

/** `globalThis.parleyBenchSeeder` once the bundle ran in the page. */
export interface PageSeeder {
  open(username: string, historyKeyBase64: string): Promise<BenchSeeder>;
  opened?: BenchSeeder;
}
