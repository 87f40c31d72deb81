// The relay's documents name everything the code defines: every setting in operations.md, and every frame,
// error code and close code in protocol.md. A new one without documentation fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLIENT_FRAME_CODES, CLOSE_REASONS, CloseCode, ERROR_CODES, MAX_FRAME_BYTES, PROTOCOL_VERSION, RELAY_WS_PATH, SERVER_FRAME_CODES } from '../shared/protocol';
import { MAX_PAYLOAD_CEILING, RELAY_SETTINGS, loadRelayConfig } from './config';

const read = (name: string) => readFileSync(new URL(`../../docs/${name}`, import.meta.url), 'utf8');

describe('docs/operations.md', () => {
  const text = read('operations.md');
  it.each(RELAY_SETTINGS.map((s) => [s.variable, s.key] as const))('documents %s with its default', (variable, key) => {
    const row = text.split('\n').find((line) => line.startsWith(`| \`${variable}\``));
    expect(row, `${variable} has a table row`).toBeDefined();
    if (key === 'dataDir' || key === 'redisUrls') return;
    const fallback = loadRelayConfig({})[key];
    expect(row).toContain(`\`${String(fallback)}\``);
  });
  it('states the payload ceiling', () => {
    expect(text).toContain(MAX_PAYLOAD_CEILING.toLocaleString('en-US'));
  });
});

describe('docs/protocol.md', () => {
  const text = read('protocol.md');
  const frames = [...Object.entries(CLIENT_FRAME_CODES), ...Object.entries(SERVER_FRAME_CODES)];
  it.each(frames)('describes the %s frame with its code byte', (type, code) => {
    expect(text).toContain(`### \`${type}\` — code \`0x${code.toString(16).padStart(2, '0')}\``);
  });
  it.each([...ERROR_CODES])('lists error code %s', (code) => {
    expect(text).toContain(`| \`${code}\` |`);
  });
  it.each(Object.entries(CloseCode))('lists close code %s', (name, code) => {
    expect(text).toContain(`| ${code} | \`${CLOSE_REASONS[name as keyof typeof CLOSE_REASONS]}\` |`);
  });
  it('states version, path and frame limit', () => {
    expect(text).toContain(`version ${PROTOCOL_VERSION}`);
    expect(text).toContain(RELAY_WS_PATH);
    expect(text).toContain(MAX_FRAME_BYTES.toLocaleString('en-US'));
  });
});
