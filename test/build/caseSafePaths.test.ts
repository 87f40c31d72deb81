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

/** The groups of more than one distinct name that `keyOf` maps to the same key. */
function clashes(names: string[], keyOf: (name: string) => string): string[][] {
  const byKey = new Map<string, Set<string>>();
  for (const name of names) byKey.set(keyOf(name), (byKey.get(keyOf(name)) ?? new Set()).add(name));
  return [...byKey.values()].filter((group) => group.size > 1).map((group) => [...group].sort());
}

describe('paths on a case-insensitive file system', () => {
  const files = filesBelow(ROOT);

  it('finds the repository’s files', () => {
    expect(files).toContain('package.json');
    expect(files).toContain(join('test', 'build', 'caseSafePaths.test.ts'));
  });

  it('no two files differ only in case', () => {
    expect(clashes(files, (path) => path.toLowerCase())).toEqual([]);
  });

  it('no two modules have specifiers that differ only in case', () => {
    const specifiers = files.filter((path) => MODULE_EXTENSION.test(path)).map((path) => path.replace(MODULE_EXTENSION, ''));
    expect(clashes(specifiers, (specifier) => specifier.toLowerCase())).toEqual([]);
  });
});
