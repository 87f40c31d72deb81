// docs/protocol.md states how long Parley's client holds an ack for its next send and how many leave at once; the
// relay's operators and other clients read it there, so it must be what AckTracker does.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACK_DELAY_MS, ACK_FLUSH_AT } from './AckTracker';

describe('docs/protocol.md, "When Parley\'s client acks"', () => {
  const text = readFileSync(new URL('../../../../docs/protocol.md', import.meta.url), 'utf8');
  it('states the hold and the flush AckTracker uses', () => {
    expect(text).toContain(`up to **${ACK_DELAY_MS} ms** (\`ACK_DELAY_MS\``);
    expect(text).toContain(`${ACK_FLUSH_AT} acks waiting (\`ACK_FLUSH_AT\`)`);
  });
});
