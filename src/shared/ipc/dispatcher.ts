// Main-side entry of every IPC request: checks the sender, the channel and the request against the contract
// before any handler runs, and turns every outcome into an IpcResult. Never throws.
import { AppError, type IpcResult } from './errors';
import { isInvokeChannel, type InvokeChannel } from './channelNames';
import { invokeChannels, type ParsedRequestOf, type ResponseOf } from './contract';

export type IpcHandlers = {
  [C in InvokeChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>>;
};

export interface IpcSender {
  /** Whether the request came from our own renderer (checked by the shell: frame URL, or host token). */
  trusted: boolean;
}

export type IpcDispatch = (channel: unknown, request: unknown, sender: IpcSender) => Promise<IpcResult<unknown>>;

export interface DispatcherLog {
  error(event: string, fields: Record<string, unknown>): void;
}

export function createIpcDispatcher(handlers: IpcHandlers, log: DispatcherLog): IpcDispatch {
  return async (channel, request, sender) => {
    if (!sender.trusted) {
      return failure(new AppError('forbidden_sender', { id: 'request.forbidden_sender' }));
    }
    if (!isInvokeChannel(channel)) {
      return failure(new AppError('unknown_channel', { id: 'request.unknown' }));
    }
    const parsed = invokeChannels[channel].request.safeParse(request ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? `${issue.path.join('.')}: ` : '';
      return failure(new AppError('invalid_request', { id: 'request.invalid' }, false, `${field}${issue?.message ?? 'invalid request'}`));
    }
    try {
      const handler = handlers[channel] as (request: unknown) => Promise<unknown>;
      const value = await handler(parsed.data);
      return { ok: true, value: invokeChannels[channel].response.parse(value) };
    } catch (error) {
      if (error instanceof AppError) return failure(error);
      log.error('ipc.handler_failed', { channel, error: error instanceof Error ? error.name : typeof error });
      return failure(new AppError('internal', { id: 'internal' }, true));
    }
  };
}

function failure(error: AppError): IpcResult<never> {
  return { ok: false, error: error.toBody() };
}
