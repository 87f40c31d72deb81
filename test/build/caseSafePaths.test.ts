// Parley is built on macOS and Windows too, whose file systems ignore case by default. Two files whose paths differ
// only in case cannot both be checked out there, and two modules whose specifiers do (`./UpdateBanner` beside
// `./updateBanner.ts`: an import names no extension) resolve to whichever the resolver tries first, so the build and
// the type check import the wrong one.
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
/** Generated or installed, not part of the repository. */
const SKIPPED = new Set(['.git', 'node_modules', 'out', 'dist', 'release', 'bench/results', 'e2e/artifacts', 'test-results', 'coverage']);
const MODULE_EXTENSION = /\.(?:[cm]?[jt]sx?)$/;

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (SKIPPED.has(relative(ROOT, path))) return [];
    return entry.isDirectory() ? filesBelow(path) : [relative(ROOT, path)];
  });
}

/** Paths that share `keyOf` without being the same path, in groups. */
function clashes(paths: string[], keyOf: (path: string) => string): string[][] {
  const byKey = new Map<string, Set<string>>();
  for (const path of paths) {
    const key = keyOf(path);
    byKey.set(key, (byKey.get(key) ?? new Set()).add(path.replace(MODULE_EXTENSION, '')));
  }
  return [...byKey.values()].filter((group) => group.size > 1).map((group) => [...group].sort());
}

describe('paths on a case-insensitive file system', () => {
  const files = filesBelow(ROOT);

  it('finds the repository’s files', () => {
    expect(files).toContain('package.json');
    expect(files).toContain(join('test', 'build', 'caseSafePaths.test.ts'));
  });

  it('no two files differ only in case', () => {
    const byLowerCase = new Map<string, string[]>();
    for (const path of files) byLowerCase.set(path.toLowerCase(), [...(byLowerCase.get(path.toLowerCase()) ?? []), path]);
    expect([...byLowerCase.values()].filter((group) => group.length > 1)).toEqual([]);
  });

  it('no two modules have specifiers that differ only in case', () => {
    const modules = files.filter((path) => MODULE_EXTENSION.test(path));
    expect(clashes(modules, (path) => path.replace(MODULE_EXTENSION, '').toLowerCase())).toEqual([]);
  });
});
