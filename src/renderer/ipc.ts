// The renderer's typed client over window.parley: contract types in, IpcError out. The only way the
// renderer talks to main.
import { CodedError } from '../shared/base';
import {
  BRIDGE_GLOBAL,
  eventChannels,
  type EventChannel,
  type EventOf,
  type InvokeChannel,
  type IpcErrorCode,
  type ParleyBridge,
  type RequestOf,
  type ResponseOf,
} from '../shared/ipc';
import { errorSentence } from './i18n/errorText';

export class IpcError extends CodedError<IpcErrorCode> {
  override readonly name = 'IpcError';
  constructor(
    code: IpcErrorCode,
    message: string,
    readonly retryable: boolean,
    detail?: string,
  ) {
    super(code, message, detail === undefined ? undefined : { detail: detail.slice(0, 200) });
  }
}

function bridge(): ParleyBridge {
  const value = (window as unknown as Record<string, ParleyBridge | undefined>)[BRIDGE_GLOBAL];
  if (!value) throw new IpcError('internal', 'Parley is not connected to its main process.', false);
  return value;
}

export async function invoke<C extends InvokeChannel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
  const result = await bridge().invoke(channel, request);
  if (!result.ok) throw new IpcError(result.error.code, errorSentence(result.error), result.error.retryable, typeof result.error.detail === 'string' ? result.error.detail : undefined);
  return result.value as ResponseOf<C>;
}

/**
 * Follows an event from main. Payloads are checked against the contract here too (main already validates
 * them): a malformed one is dropped with a log line rather than reaching a store.
 */
export function subscribe<E extends EventChannel>(event: E, listener: (payload: EventOf<E>) => void): () => void {
  const schema = eventChannels[event];
  return bridge().on(event, (payload) => {
    const parsed = schema.safeParse(payload);
    if (parsed.success) listener(parsed.data as EventOf<E>);
    else console.warn('parley.ipc_event_rejected', { event, issue: parsed.error.issues[0]?.code });
  });
}
