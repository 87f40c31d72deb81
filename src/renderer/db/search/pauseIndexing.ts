// The switch that pauses the search indexer (SearchIndexer.ts): set to any value in localStorage, indexing waits, and
// search misses what arrives meanwhile until it is removed. bench:ui uses it to measure what keeping the index
// current adds to sending. A file of its own so the benchmark can name it without importing the renderer's database.
export const PAUSE_INDEXING_KEY = 'parley.searchIndexing.paused';
