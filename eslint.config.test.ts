// Proves the one-way import rules of DESIGN.md §1 are enforced by `npm run lint`.
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: import.meta.dirname });

async function restrictedImports(filePath: string, code: string): Promise<number> {
  const [result] = await eslint.lintText(code, { filePath });
  return result?.messages.filter((message) => message.ruleId === 'no-restricted-imports').length ?? -1;
}

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
