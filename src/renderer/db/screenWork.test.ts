import Dexie from 'dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { screenWork } from './screenWork';

afterEach(() => vi.restoreAllMocks());
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('screenWork', () => {
  it('ends quietly when the database was closed under it, and reports anything else by name', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const db = new Dexie('screen-work-test');
    db.version(1).stores({ rows: 'id' });
    db.close();
    screenWork('test.closed', db.table('rows').get(1));
    await settle();
    expect(warn).not.toHaveBeenCalled();

    screenWork('test.failed', Promise.reject(new TypeError('secret detail')));
    await settle();
    expect(warn).toHaveBeenCalledWith('parley.test.failed', { error: 'TypeError' });
  });
});
