// Our pages run under a CSP without 'unsafe-eval', so zod must not compile validators with new Function.
// Imported first by every browser-side entry that uses zod (the renderer; the preloads carry none, channelNames.ts).
import { config } from 'zod';

config({ jitless: true });
