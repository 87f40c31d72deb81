// Proves `npm run lint` enforces the one-way import rules of docs/architecture.md (tests included) and forbids `.only`.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: import.meta.dirname });

async function countRule(rule: string, filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((message) => message.ruleId === rule).length ?? -1;
}

const restrictedImports = (filePath: string, code: string) => countRule('no-restricted-imports', filePath, code);

describe('import boundaries', () => {
  it.each([
    ['src/shared/ipc/x.ts', "import '../../main/core/client';"],
    ['src/shared/ipc/x.ts', "import 'node:fs';"],
    ['src/shared/ipc/x.ts', "import 'electron';"],
    ['src/shared/ipc/x.ts', "import '../../server/relay';"],
    ['src/main/core/x.ts', "import '../shell/window';"],
    ['src/main/core/x.ts', "import { app } from 'electron';"],
    ['src/main/core/x.ts', "import '../browser-shell/host';"],
    ['src/main/core/x.ts', "import '../../renderer/ipc';"],
    ['src/renderer/x.ts', "import '../main/core/client';"],
    ['src/renderer/x.ts', "import 'node:path';"],
    ['src/renderer/x.ts', "import '../server/relay';"],
    ['src/preload/x.ts', "import '../main/core/client';"],
    ['src/server/x.ts', "import '../main/core/client';"],
    ['src/server/x.ts', "import '../renderer/ipc';"],
    ['src/main/shell/x.ts', "import '../../server/relay';"],
    ['src/main/browser-shell/x.ts', "import 'electron';"],
    ['src/shared/ipc/x.test.ts', "import '../../main/core/client';"],
    ['src/main/core/x.test.ts', "import 'electron';"],
    ['src/renderer/x.test.tsx', "import '../main/core/client';"],
    ['src/server/x.test.ts', "import '../main/core/client';"],
  ])('%s: %s is a lint error', async (file, code) => {
    expect(await restrictedImports(file, code)).toBe(1);
  });

  it.each([
    ['src/renderer/x.ts', "import '../shared/ipc';"],
    ['src/main/core/x.ts', "import 'node:fs'; import '../../shared/protocol';"],
    ['src/main/shell/x.ts', "import 'electron'; import '../core/client';"],
    ['src/server/x.ts', "import 'node:http'; import '../shared/protocol';"],
    ['src/shared/ipc/x.ts', "import './events'; import '../protocol/fields';"],
    ['src/main/index.ts', "import './shell/window'; import './core/client';"],
  ])('%s: %s is allowed', async (file, code) => {
    expect(await restrictedImports(file, code)).toBe(0);
  });
});

describe('focused tests', () => {
  it.each([
    "it.only('a', () => {});",
    "describe.only('a', () => {});",
    "test.only('a', () => {});",
    "test.describe.only('a', () => {});",
    "it.only.each([1])('a %s', () => {});",
  ])('%s is a lint error', async (code) => {
    expect(await countRule('no-restricted-syntax', 'e2e/x.spec.ts', code)).toBe(1);
    expect(await countRule('no-restricted-syntax', 'src/main/core/x.test.ts', code)).toBe(1);
  });

  it('an ordinary test is not', async () => {
    expect(await countRule('no-restricted-syntax', 'src/main/core/x.test.ts', "it('a', () => {}); const only = [1].filter(Boolean);")).toBe(0);
  });
});
