// Tells the core when the network may be back: the OS woke from sleep, the screen was unlocked, or Electron's
// online check flipped from offline to online. The core then retries at once instead of waiting out its backoff
// (docs/architecture.md, "Connection"). Only signals; deciding what to do is the transport's job.
import { net, powerMonitor } from 'electron';

/** How often the online state is sampled: Electron's main process has no online/offline event. */
export const ONLINE_POLL_MS = 2_000;

/** Calls `onNetworkChanged` on resume, unlock and every offline → online flip; returns the unsubscribe. */
export function watchNetwork(onNetworkChanged: () => void, pollMs = ONLINE_POLL_MS): () => void {
  const signal = () => onNetworkChanged();
  powerMonitor.on('resume', signal);
  powerMonitor.on('unlock-screen', signal);
  let online = net.isOnline();
  const timer = setInterval(() => {
    const now = net.isOnline();
    if (now && !online) signal();
    online = now;
  }, pollMs);
  timer.unref?.();
  return () => {
    clearInterval(timer);
    powerMonitor.off('resume', signal);
    powerMonitor.off('unlock-screen', signal);
  };
}
