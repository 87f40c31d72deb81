// Test setup of the renderer project: an in-memory IndexedDB per test file, and a clean DOM after each test.
import 'fake-indexeddb/auto';
import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// waitFor and findBy* wait on state; their default limit of 1 s is too short on a loaded 2-core machine (a mute
// saved through IndexedDB took longer under load, failing notifications.test now and then). They still return as
// soon as the state is there.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
});
