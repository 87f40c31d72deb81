import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceCapacity, openFilesSoftLimit } from './fd-limit';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
`;

describe('file-descriptor limit', () => {
  it('reads the soft limit on open files and says how many devices it leaves room for', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'parley-limits-')), 'limits');
    writeFileSync(file, LIMITS);
    expect(openFilesSoftLimit(file)).toBe(1024);
    expect(deviceCapacity(1024, 2_000)).toBe(0);
    expect(deviceCapacity(16_384, 2_000)).toBe(14_320);
    writeFileSync(file, LIMITS.replace('1024  ', 'unlimited'));
    expect(openFilesSoftLimit(file)).toBe(Number.POSITIVE_INFINITY);
    expect(openFilesSoftLimit(join(file, 'missing'))).toBeUndefined();
  });
});
