// Our pages run under a CSP without 'unsafe-eval', so zod must not compile validators with new Function.
// Imported first by every browser-side entry (preloads, renderer).
import { config } from 'zod';

config({ jitless: true });
