// gen/content_pb.ts and gen/history_pb.ts are generated from content.proto and history.proto (`npm run proto`) and
// committed; this proves they are current, so the schema in review is the schema that runs.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const here = import.meta.dirname;
const root = join(here, '../../../../..');

describe('generated content code', () => {
  it('matches content.proto and history.proto', () => {
    const out = mkdtempSync(join(tmpdir(), 'parley-proto-'));
    try {
      const template = JSON.stringify({ version: 'v2', plugins: [{ local: join(root, 'node_modules/.bin/protoc-gen-es'), out, opt: ['target=ts', 'import_extension=none'] }] });
      execFileSync(join(root, 'node_modules/.bin/buf'), ['generate', here, '--template', template], { cwd: root, stdio: 'pipe' });
      for (const file of ['content_pb.ts', 'history_pb.ts']) {
        expect(readFileSync(join(out, file), 'utf8')).toBe(readFileSync(join(here, 'gen', file), 'utf8'));
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
