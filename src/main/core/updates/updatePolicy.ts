// The auto-update channel's decisions, pure so they are unit-tested: which feed a channel reads, whether an offered
// version may replace this one (never a downgrade; stable never takes a pre-release), whether this install is in a
// staged rollout, and when to check next. The shell and electron-updater only carry them out.
import semver from 'semver';
import type { UpdateChannel } from '../../../shared/ipc';

/** electron-updater's channel file: latest(-linux|-mac).yml for stable, beta(-…).yml for beta. */
export function feedChannel(channel: UpdateChannel): 'latest' | 'beta' {
  return channel === 'stable' ? 'latest' : 'beta';
}

export type ReleaseRefusal = 'invalid_version' | 'not_newer' | 'prerelease_on_stable';

/** Whether `offered` may replace `current` on `channel`; a reason when not. */
export function releaseRefusal(current: string, offered: unknown, channel: UpdateChannel): ReleaseRefusal | null {
  if (typeof offered !== 'string' || offered.length > 64) return 'invalid_version';
  const next = semver.parse(offered);
  const now = semver.parse(current);
  if (!next || !now) return 'invalid_version';
  if (!semver.gt(next, now)) return 'not_newer';
  if (channel === 'stable' && next.prerelease.length > 0) return 'prerelease_on_stable';
  return null;
}

/**
 * Where this install falls in a staged rollout, in [0, 1): from its random rollout id (16 bytes, hex), so the same
 * install is in or out consistently and a release at 20% reaches a fifth of installs.
 */
export function rolloutBucket(rolloutId: string): number {
  if (!/^[0-9a-f]{32}$/.test(rolloutId)) throw new RangeError('a rollout id is 32 lowercase hex digits');
  return Number.parseInt(rolloutId.slice(0, 8), 16) / 0x1_0000_0000;
}

/**
 * The feed's `stagingPercentage` (electron-builder's field): absent means everyone. A value that is not a number from
 * 0 to 100 means no one — a broken feed must not push a release to every install.
 */
export function isWithinRollout(stagingPercentage: unknown, bucket: number): boolean {
  if (stagingPercentage === undefined || stagingPercentage === null) return true;
  const percentage = typeof stagingPercentage === 'string' && /^\d+(\.\d+)?$/.test(stagingPercentage) ? Number(stagingPercentage) : stagingPercentage;
  if (typeof percentage !== 'number' || !Number.isFinite(percentage) || percentage < 0 || percentage > 100) return false;
  return bucket < percentage / 100;
}

export const FIRST_CHECK_DELAY_MS = 30_000;
export const CHECK_INTERVAL_MS = 4 * 60 * 60_000;

/**
 * Milliseconds until the next check: at start a short while after launch (not while the app is starting), then
 * every four hours, each with ±12.5% jitter so installs started together do not hit the feed together.
 */
export function nextCheckDelay(kind: 'first' | 'periodic', random: () => number): number {
  const base = kind === 'first' ? FIRST_CHECK_DELAY_MS : CHECK_INTERVAL_MS;
  return Math.round(base * (0.875 + 0.25 * random()));
}
