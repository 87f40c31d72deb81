import { describe, expect, it } from 'vitest';
import { KeyedQueue } from './KeyedQueue';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('KeyedQueue', () => {
  it('runs one task at a time per key, in order, and keys independently', async () => {
    const queue = new KeyedQueue();
    const log: string[] = [];
    const task = (key: string, name: string) =>
      queue.run(key, async () => {
        log.push(`${name}:start`);
        await tick();
        log.push(`${name}:end`);
        return name;
      });
    const results = await Promise.all([task('a', 'a1'), task('a', 'a2'), task('b', 'b1')]);
    expect(results).toEqual(['a1', 'a2', 'b1']);
    expect(log.indexOf('a1:end')).toBeLessThan(log.indexOf('a2:start'));
    expect(log.indexOf('b1:start')).toBeLessThan(log.indexOf('a1:end'));
  });

  it('keeps going after a failed or throwing task, and forgets idle keys', async () => {
    const queue = new KeyedQueue();
    await expect(queue.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(
      queue.run('a', () => {
        throw new Error('sync boom');
      }),
    ).rejects.toThrow('sync boom');
    await expect(queue.run('a', () => 'next')).resolves.toBe('next');
    await queue.idle();
    expect(queue.size).toBe(0);
  });

  it('idle() waits for tasks queued while it waits', async () => {
    const queue = new KeyedQueue();
    const done: string[] = [];
    void queue.run('a', async () => {
      await tick();
      void queue.run('b', async () => {
        await tick();
        done.push('b');
      });
      done.push('a');
    });
    await queue.idle();
    expect(done).toEqual(['a', 'b']);
  });
});
