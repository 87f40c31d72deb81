// Messages between the browser-shell bridge in the page and the Node host (docs/architecture.md, "Testing without Electron").
// The IPC contract itself is unchanged; this only frames invokes, results and events on one WebSocket, plus the
// page's "the network is back" signal, which the Electron shell gets from the OS instead (main/shell/networkWatch.ts).
// What the host sends back is hostMessage.ts.
import { z } from 'zod';

export const PageMessage = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('invoke'),
    id: z.number().int().nonnegative(),
    channel: z.string().max(100),
    request: z.unknown(),
  }),
  /** Chromium fired `online`: the host asks the core to retry now rather than wait out its backoff. */
  z.strictObject({ kind: z.literal('network-changed') }),
]);
export type PageMessage = z.infer<typeof PageMessage>;
