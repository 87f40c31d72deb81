import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { TickCork } from './tick-cork';

function recorder() {
  const events: string[] = [];
  return { events, stream: { cork: () => events.push('cork'), uncork: () => events.push('uncork') } };
}

describe('TickCork', () => {
  it('corks once per turn and uncorks after the promise continuations of that turn', async () => {
    const { events, stream } = recorder();
    const cork = new TickCork(stream);
    const write = (frame: string) => {
      cork.hold();
      events.push(frame);
    };
    write('deliver');
    write('deliver');
    // Answers written from promise continuations in the same turn (as `sent` is) join the same batch.
    void Promise.resolve()
      .then(() => write('sent'))
      .then(() => write('sent'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(events).toEqual(['cork', 'deliver', 'deliver', 'sent', 'sent', 'uncork']);

    write('next turn');
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.slice(6)).toEqual(['cork', 'next turn', 'uncork']);
  });

  it('holds the frames of one turn in the socket until the turn ends, then writes them together', async () => {
    const server = createServer();
    const received = new Promise<string>((resolve) => {
      server.on('connection', (socket: Socket) => {
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
        socket.on('end', () => resolve(text));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    const cork = new TickCork(client);
    for (const frame of ['a', 'b', 'c', 'd']) {
      cork.hold();
      client.write(frame);
    }
    expect(client.writableCorked).toBe(1);
    expect(client.writableLength).toBe(4);
    await new Promise((resolve) => setImmediate(resolve));
    expect(client.writableCorked).toBe(0);
    client.end();
    expect(await received).toBe('abcd');
    server.close();
  });
});
