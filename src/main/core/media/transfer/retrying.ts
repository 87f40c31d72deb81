// The retry loop of blob transfers: a transient failure (relay unreachable, restarting, 5xx) waits a full-jitter
// backoff and tries again, without limit, until it works, a permanent error is thrown, or the signal aborts
// (pause or cancel). Each try resumes from what the relay or the local file already has.
import { fullJitterDelay, type BackoffPolicy } from '../../../../shared/base';
import { AttachmentError } from '../cipher/AttachmentError';

/** A failure worth another try: the relay or network, not the request. */
export class TransientTransferError extends Error {
  override readonly name = 'TransientTransferError';
}

export const TRANSFER_BACKOFF: BackoffPolicy = { baseMs: 250, capMs: 10_000 };

export interface RetryOptions {
  signal?: AbortSignal;
  policy?: BackoffPolicy;
  /** Told before each wait, e.g. to show "waiting for the relay". */
  onRetry?: (error: Error, delayMs: number) => void;
}

export async function retrying<T>(attempt: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  for (let retry = 0; ; retry++) {
    throwIfAborted(options.signal);
    try {
      return await attempt();
    } catch (error) {
      throwIfAborted(options.signal);
      if (!isTransient(error)) throw error;
      const delay = fullJitterDelay(retry, options.policy ?? TRANSFER_BACKOFF);
      options.onRetry?.(error as Error, delay);
      await sleep(delay, options.signal);
    }
  }
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AttachmentError('cancelled', 'The transfer was stopped.');
}

/** Network errors (refused, reset, timed out) and TransientTransferError are transient. */
function isTransient(error: unknown): boolean {
  if (error instanceof TransientTransferError) return true;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|UND_ERR_SOCKET)$/.test(code)
    || (error instanceof Error && /socket hang up|aborted/i.test(error.message) && !(error instanceof AttachmentError));
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });
}
