// The size and fan-out limits of a `send`, checked before anything is queued for storage.
import { base64DecodedLength } from '../../shared/encoding/base64';
import type { ErrorCode, SendFrame } from '../../shared/protocol';
import type { RelayConfig } from '../config';

export interface LimitViolation {
  code: Extract<ErrorCode, 'payload_too_large' | 'too_many_recipients'>;
  message: string;
}

export function checkSendLimits(
  frame: SendFrame,
  config: Pick<RelayConfig, 'maxPayloadBytes' | 'maxRecipientsPerSend'>,
): LimitViolation | undefined {
  if (frame.to.length > config.maxRecipientsPerSend) {
    return { code: 'too_many_recipients', message: `a send may name at most ${config.maxRecipientsPerSend} recipients` };
  }
  const size = base64DecodedLength(frame.payload);
  if (size > config.maxPayloadBytes) {
    return { code: 'payload_too_large', message: `payload is ${size} bytes; the limit is ${config.maxPayloadBytes}` };
  }
  return undefined;
}
