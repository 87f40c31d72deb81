// Test setup of the renderer project: an in-memory IndexedDB per test file, and a clean DOM after each test.
import 'fake-indexeddb/auto';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
});
