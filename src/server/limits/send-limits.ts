// The size and fan-out limits of a `send`, checked before anything is queued for storage. The recipient limit
// counts distinct addresses — what a send delivers to — so naming one device twice costs one slot, as it costs
// one delivery (the protocol's own cap on the list's length is checked by the codec).
import type { ErrorCode } from '../../shared/protocol';
import type { RelayConfig } from '../config';

export interface LimitViolation {
  code: Extract<ErrorCode, 'payload_too_large' | 'too_many_recipients'>;
  message: string;
}

export function checkSendLimits(
  send: { distinctRecipients: number; payloadBytes: number },
  config: Pick<RelayConfig, 'maxPayloadBytes' | 'maxRecipientsPerSend'>,
): LimitViolation | undefined {
  if (send.distinctRecipients > config.maxRecipientsPerSend) {
    return { code: 'too_many_recipients', message: `a send may name at most ${config.maxRecipientsPerSend} recipients` };
  }
  if (send.payloadBytes > config.maxPayloadBytes) {
    return { code: 'payload_too_large', message: `payload is ${send.payloadBytes} bytes; the limit is ${config.maxPayloadBytes}` };
  }
  return undefined;
}
