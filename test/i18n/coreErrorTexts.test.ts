// The core names what an error says by a string-table id with parameters (src/shared/ipc/errorText.ts) and writes
// no English sentence a screen shows: every error that reaches the renderer (AppError and the other TextErrors) is
// built with an id, its parameters are names and codes, not words, and every id in the table is one the code uses.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_TEXT_IDS } from '../../src/shared/ipc';

const ROOT = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.parentPath.includes('/gen'))
    .map((entry) => join(entry.parentPath, entry.name));
}

const coreFiles = [...sourceFiles('src/main'), ...sourceFiles('src/shared')];

/** AppError, TextError and every class that extends one of them. */
function textErrorClasses(): Set<string> {
  const names = new Set(['TextError', 'AppError']);
  for (const file of coreFiles) {
    for (const match of readFileSync(file, 'utf8').matchAll(/class (\w+) extends (TextError|AppError)\b/g)) names.add(match[1]!);
  }
  return names;
}

/** The arguments of the call whose `(` is at `open`, split at its top-level commas. */
function callArguments(source: string, open: number): string[] {
  const args: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = open + 1;
  for (let at = open; at < source.length; at += 1) {
    const char = source[at]!;
    if (quote) {
      if (char === '\\') at += 1;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === "'" || char === '"' || char === '`') quote = char;
    else if ('([{'.includes(char)) depth += 1;
    else if (')]}'.includes(char)) {
      depth -= 1;
      if (depth === 0) {
        args.push(source.slice(start, at).trim());
        return args;
      }
    } else if (char === ',' && depth === 1) {
      args.push(source.slice(start, at).trim());
      start = at + 1;
    }
  }
  throw new Error('unbalanced call');
}

interface Construction {
  where: string;
  className: string;
  text: string;
}

function constructions(): Construction[] {
  const classes = textErrorClasses();
  const found: Construction[] = [];
  for (const file of coreFiles) {
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/new (\w+)\(/g)) {
      const className = match[1]!;
      if (!classes.has(className)) continue;
      const args = callArguments(source, match.index + match[0].length - 1);
      // A subclass may take the text first (a code fixed by the class) or second (after the code).
      const text = args.length === 1 ? args[0]! : args[1]!;
      found.push({ where: `${file.slice(ROOT.length + 1)}:${source.slice(0, match.index).split('\n').length}`, className, text });
    }
  }
  return found;
}

describe('error texts of the core', () => {
  const all = constructions();

  it('finds the errors it checks', () => {
    expect(all.length).toBeGreaterThan(100);
    expect(new Set(all.map((construction) => construction.className))).toEqual(
      new Set(['AppError', 'ConnectionError', 'RegistrationError', 'LinkCodeError', 'RelayUrlError', 'ProvisioningError']),
    );
  });

  it('builds every error a screen shows from a string-table id, never from a sentence', () => {
    const sentences = all.filter(({ text }) => /^['"`]/.test(text) || /\.message\b/.test(text));
    expect(sentences.map(({ where, text }) => `${where}: ${text}`)).toEqual([]);
  });

  it('names only ids of the table, with parameters that are names and codes, not words', () => {
    const known = new Set<string>(ERROR_TEXT_IDS);
    const problems: string[] = [];
    for (const { where, text } of all) {
      for (const [, id] of text.matchAll(/\bid: '([^']*)'/g)) if (!known.has(id!)) problems.push(`${where}: unknown id ${id}`);
      for (const [, , value] of text.matchAll(/(['"`])((?:\\.|(?!\1).)*)\1/g)) if (/\s/.test(value!)) problems.push(`${where}: words ${value}`);
    }
    expect(problems).toEqual([]);
  });

  it('has no id that no code uses', () => {
    const code = [...coreFiles, ...sourceFiles('src/renderer')].map((file) => readFileSync(file, 'utf8')).join('\n');
    expect(ERROR_TEXT_IDS.filter((id) => !code.includes(`'${id}'`))).toEqual([]);
  });
});
