import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { toBase64 } from '../../../shared/encoding/base64';
import { releaseMessage, releasePublicKey, signRelease, verifyRelease } from './releaseSignature';
import { resolveUpdateConfig } from './updateConfig';
import { CHECK_INTERVAL_MS, FIRST_CHECK_DELAY_MS, feedChannel, isWithinRollout, nextCheckDelay, releaseRefusal, rolloutBucket } from './updatePolicy';

describe('releaseRefusal', () => {
  it.each([
    ['0.1.0', '0.2.0', 'stable', null],
    ['0.1.0', '0.1.1', 'stable', null],
    ['0.1.0', '1.0.0-beta.1', 'beta', null],
    ['1.0.0-beta.1', '1.0.0-beta.2', 'beta', null],
    ['1.0.0-beta.2', '1.0.0', 'stable', null],
    ['0.2.0', '0.1.9', 'stable', 'not_newer'],
    ['0.2.0', '0.2.0', 'stable', 'not_newer'],
    ['1.0.0', '1.0.0-beta.9', 'beta', 'not_newer'],
    ['0.1.0', '1.0.0-beta.1', 'stable', 'prerelease_on_stable'],
    ['0.1.0', 'v-next', 'stable', 'invalid_version'],
    ['0.1.0', 2, 'stable', 'invalid_version'],
    ['0.1.0', `1.0.0-${'a'.repeat(80)}`, 'beta', 'invalid_version'],
  ] as const)('%s → %s on %s: %s', (current, offered, channel, refusal) => {
    expect(releaseRefusal(current, offered, channel)).toBe(refusal);
  });

  it('reads the feed file of its channel', () => {
    expect(feedChannel('stable')).toBe('latest');
    expect(feedChannel('beta')).toBe('beta');
  });
});

describe('staged rollout', () => {
  it('puts installs in stable buckets spread over [0, 1)', () => {
    expect(rolloutBucket('00000000000000000000000000000000')).toBe(0);
    expect(rolloutBucket('ffffffff000000000000000000000000')).toBeLessThan(1);
    expect(rolloutBucket('80000000aaaaaaaaaaaaaaaaaaaaaaaa')).toBe(0.5);
    const buckets = Array.from({ length: 2000 }, () => rolloutBucket(randomBytes(16).toString('hex')));
    const inTwentyPercent = buckets.filter((bucket) => isWithinRollout(20, bucket)).length / buckets.length;
    expect(inTwentyPercent).toBeGreaterThan(0.15);
    expect(inTwentyPercent).toBeLessThan(0.25);
    expect(() => rolloutBucket('not hex')).toThrow(RangeError);
  });

  it('respects stagingPercentage, and offers nothing when the feed says something that is not a percentage', () => {
    expect(isWithinRollout(undefined, 0.99)).toBe(true);
    expect(isWithinRollout(null, 0.99)).toBe(true);
    expect(isWithinRollout(100, 0.999)).toBe(true);
    expect(isWithinRollout(50, 0.49)).toBe(true);
    expect(isWithinRollout(50, 0.5)).toBe(false);
    expect(isWithinRollout('25', 0.2)).toBe(true);
    expect(isWithinRollout(0, 0)).toBe(false);
    for (const broken of [-1, 101, Number.NaN, 'lots', '10%', {}, true]) expect(isWithinRollout(broken, 0)).toBe(false);
  });
});

describe('nextCheckDelay', () => {
  it('checks shortly after start, then every four hours, each with ±12.5% jitter', () => {
    expect(nextCheckDelay('first', () => 0)).toBe(FIRST_CHECK_DELAY_MS * 0.875);
    expect(nextCheckDelay('first', () => 1)).toBe(FIRST_CHECK_DELAY_MS * 1.125);
    expect(nextCheckDelay('periodic', () => 0.5)).toBe(CHECK_INTERVAL_MS);
    expect(nextCheckDelay('periodic', () => 0)).toBe(3.5 * 3_600_000);
  });
});

describe('release signatures', () => {
  const privateKey = ed25519.utils.randomSecretKey();
  const publicKey = releasePublicKey(privateKey);
  const digest = new Uint8Array(32).fill(7);

  it('verify over exactly the version and digest signed, with the right key', () => {
    const signature = signRelease(privateKey, '1.2.3', digest);
    expect(verifyRelease(publicKey, '1.2.3', digest, signature)).toBe(true);
    // Relabelling an older signed build as newer, other bytes, another key, a damaged signature.
    expect(verifyRelease(publicKey, '9.9.9', digest, signature)).toBe(false);
    expect(verifyRelease(publicKey, '1.2.3', new Uint8Array(32).fill(8), signature)).toBe(false);
    expect(verifyRelease(releasePublicKey(ed25519.utils.randomSecretKey()), '1.2.3', digest, signature)).toBe(false);
    const flipped = signature.slice();
    flipped[10]! ^= 1;
    expect(verifyRelease(publicKey, '1.2.3', digest, flipped)).toBe(false);
    expect(verifyRelease(publicKey, '1.2.3', digest, signature.slice(0, 63))).toBe(false);
  });

  it('sign a domain-separated message, so no other Parley signature can pass for a release', () => {
    expect(new TextDecoder().decode(releaseMessage('1.2.3', digest).subarray(0, 24))).toBe('parley-release-v1\n1.2.3\n');
    expect(() => releaseMessage('1.2.3', new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('resolveUpdateConfig', () => {
  const key = toBase64(releasePublicKey(ed25519.utils.randomSecretKey()));
  const otherKey = toBase64(releasePublicKey(ed25519.utils.randomSecretKey()));
  const build = { feedUrl: 'https://updates.parley.example/desktop', releasePublicKey: key };

  it('takes the feed and key the app was built with', () => {
    expect(resolveUpdateConfig(build, {}, true)).toMatchObject({ enabled: true, feedUrl: build.feedUrl });
  });

  it('is off, saying why, without a feed, without a key, or with a feed that is not https', () => {
    // Why is a code; the renderer's string table says it ('update.off').
    expect(resolveUpdateConfig({ feedUrl: '', releasePublicKey: key }, {}, true)).toEqual({ enabled: false, reason: 'no_feed' });
    expect(resolveUpdateConfig({ ...build, releasePublicKey: '' }, {}, true)).toEqual({ enabled: false, reason: 'no_release_key' });
    expect(resolveUpdateConfig({ ...build, feedUrl: 'http://updates.parley.example/' }, {}, true)).toEqual({ enabled: false, reason: 'bad_feed_url' });
    expect(resolveUpdateConfig({ ...build, feedUrl: 'https://user:pw@updates.parley.example/' }, {}, true)).toEqual({ enabled: false, reason: 'bad_feed_url' });
  });

  it('lets the feed be overridden, but the key only in development builds', () => {
    const env = { PARLEY_UPDATE_FEED_URL: 'http://127.0.0.1:9999/feed', PARLEY_RELEASE_PUBLIC_KEY: otherKey };
    expect(resolveUpdateConfig(build, env, true)).toMatchObject({ enabled: false });
    const packaged = resolveUpdateConfig(build, { ...env, PARLEY_UPDATE_FEED_URL: 'https://mirror.example/feed' }, true);
    expect(packaged.enabled && toBase64(packaged.publicKey)).toBe(key);
    const development = resolveUpdateConfig(build, env, false);
    expect(development).toMatchObject({ enabled: true, feedUrl: 'http://127.0.0.1:9999/feed' });
    expect(development.enabled && toBase64(development.publicKey)).toBe(otherKey);
  });
});
