// Entry of the visual harness's fake window.parley (bundled and injected by e2e/visual): installs a FakeParley
// before the app starts, configured by window.__PARLEY_VISUAL__, and exposes it so the spec can drive it.
import '../../shared/ipc/zod-csp';
import { FakeParley } from './fakeParley';
import { demoOptions, longHistory } from './visualScenario';

interface VisualConfig {
  scenario: 'new' | 'demo';
  connection?: 'online' | 'offline' | 'reconnecting' | 'connecting';
  /** Extra messages waiting in a chat with frank, to page through. */
  longHistory?: number;
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
const fake = new FakeParley({ ...options, connection: config.connection ?? 'online' });
fake.install(window);
window.__parleyFake = fake;
