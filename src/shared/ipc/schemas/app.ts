// Facts about the running app, and the empty request.
import { z } from 'zod';
import { base64Bytes } from '../../protocol/fields';

export const Empty = z.strictObject({});

export const AppInfo = z.strictObject({
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  defaultRelayUrl: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

/** The renderer's key for its history at rest: 32 bytes, base64 (docs/security.md §10). */
export const HistoryKeyView = z.strictObject({ key: base64Bytes({ exactBytes: 32 }) });
export type HistoryKeyView = z.infer<typeof HistoryKeyView>;
