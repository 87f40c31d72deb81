// Entry of the visual harness's fake window.parley (bundled and injected by e2e/visual): installs a FakeParley
// before the app starts, configured by window.__PARLEY_VISUAL__, and exposes it so the spec can drive it.
import '../../shared/ipc/zod-csp';
import { FakeParley } from './fakeParley';
import { demoOptions, longHistory, mediaDemo } from './visualScenario';

interface VisualConfig {
  scenario: 'new' | 'demo';
  connection?: 'online' | 'offline' | 'reconnecting' | 'connecting';
  /** Extra messages waiting in a chat with frank, to page through. */
  longHistory?: number;
  /** A chat with erin full of files; their bytes come from the page's own origin (the spec answers them). */
  media?: boolean;
}

declare global {
  interface Window {
    __PARLEY_VISUAL__?: VisualConfig;
    __parleyFake?: FakeParley;
  }
}

const config: VisualConfig = window.__PARLEY_VISUAL__ ?? { scenario: 'demo' };
const options = config.scenario === 'new' ? { account: null, users: ['bob', 'carol'] } : demoOptions();
if (config.longHistory && 'pending' in options) options.pending = [...(options.pending ?? []), ...longHistory(config.longHistory)];
const media = config.media ? mediaDemo() : null;
if (media && 'pending' in options) options.pending = [...(options.pending ?? []), ...media.pending];
const fake = new FakeParley({ ...options, connection: config.connection ?? 'online' });
for (const view of media?.attachments ?? []) fake.putAttachment(view);
if (media) serveMediaFromThisOrigin();
fake.install(window);
window.__parleyFake = fake;

/** The media URL as the browser shell has it (/__parley/media on the page's origin, which the spec answers): a host
 * token in <head>, added as soon as there is a <head>. */
function serveMediaFromThisOrigin(): void {
  const add = () => {
    if (!document.head || document.head.querySelector('meta[name="parley-host-token"]')) return Boolean(document.head);
    const meta = document.createElement('meta');
    meta.name = 'parley-host-token';
    meta.content = 'visual';
    document.head.append(meta);
    return true;
  };
  if (add()) return;
  const watcher = new MutationObserver(() => add() && watcher.disconnect());
  watcher.observe(document, { childList: true, subtree: true });
}
