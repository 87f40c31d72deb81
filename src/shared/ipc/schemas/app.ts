// Facts about the running app, and the empty request.
import { z } from 'zod';

export const Empty = z.strictObject({});

export const AppInfo = z.strictObject({
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  defaultRelayUrl: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;
