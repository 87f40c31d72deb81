import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ed25519 } from '@noble/curves/ed25519.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toBase64 } from '../../../shared/encoding/base64';
import type { UpdateChannel, UpdateView } from '../../../shared/ipc';
import { silentLogger } from '../transport';
import { releasePublicKey, signRelease } from './releaseSignature';
import { UpdateService, type DownloadProgress, type Timers, type UpdateEngine } from './UpdateService';
import type { OfferedRelease } from './verifyDownload';

const privateKey = ed25519.utils.randomSecretKey();
const publicKey = releasePublicKey(privateKey);
const artifact = Buffer.from('the 0.2.0 installer '.repeat(500));
const sha256 = (bytes: Buffer) => new Uint8Array(createHash('sha256').update(bytes).digest());
const sha512 = (bytes: Buffer) => createHash('sha512').update(bytes).digest('base64');

function signedRelease(version = '0.2.0', bytes = artifact, extra: Record<string, unknown> = {}): OfferedRelease {
  return { version, files: [{ url: `Parley-${version}.AppImage`, sha512: sha512(bytes), signature: toBase64(signRelease(privateKey, version, sha256(bytes))), ...extra }] };
}

class FakeEngine implements UpdateEngine {
  offer: OfferedRelease | null = null;
  /** What the download writes (a damaged server can send other bytes than the feed lists). */
  bytes = artifact;
  failCheck = false;
  failDownload: Error | null = null;
  readonly channels: UpdateChannel[] = [];
  readonly discarded: string[] = [];
  installs = 0;
  constructor(private readonly dir: string) {}
  async check(channel: UpdateChannel) {
    this.channels.push(channel);
    if (this.failCheck) throw new Error('getaddrinfo ENOTFOUND updates.parley.example');
    return this.offer;
  }
  async download(onProgress: (progress: DownloadProgress) => void) {
    if (this.failDownload) throw this.failDownload;
    for (const percent of [0, 10.2, 10.7, 50, 100]) onProgress({ percent, transferred: (this.bytes.length * percent) / 100, total: this.bytes.length });
    const file = join(this.dir, 'Parley-download.AppImage');
    await writeFile(file, this.bytes);
    return file;
  }
  async discard(file: string) {
    this.discarded.push(file);
    await rm(file, { force: true });
  }
  install() {
    this.installs += 1;
  }
}

let dir: string;
let engine: FakeEngine;
let views: UpdateView[];
let channel: UpdateChannel;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-updates-'));
  engine = new FakeEngine(dir);
  views = [];
  channel = 'stable';
});
afterEach(() => rm(dir, { recursive: true, force: true }));

function service(options: { timers?: Timers } = {}) {
  return new UpdateService({
    engine,
    config: { enabled: true, feedUrl: 'https://updates.parley.example/', publicKey },
    currentVersion: '0.1.0',
    channel: () => channel,
    onChange: (view) => views.push(view),
    logger: silentLogger,
    timers: options.timers ?? { setTimeout: () => 0, clearTimeout: () => undefined },
    random: () => 0.5,
  });
}
const states = () => views.map((view) => view.status.state);

describe('UpdateService', () => {
  it('checks, downloads with progress, verifies the release signature, then offers the restart', async () => {
    engine.offer = signedRelease('0.2.0', artifact, { blockMapSize: 123, somethingNew: { nested: true } });
    const updates = service();
    const view = await updates.check();
    expect(view).toEqual({ currentVersion: '0.1.0', channel: 'stable', status: { state: 'ready', version: '0.2.0' } });
    expect(states()).toEqual(['checking', 'available', 'downloading', 'downloading', 'downloading', 'downloading', 'verifying', 'ready']);
    expect(views.filter((v) => v.status.state === 'downloading').map((v) => (v.status as { percent: number }).percent)).toEqual([0, 10, 50, 100]);
    updates.restart();
    expect(engine.installs).toBe(1);
  });

  it('refuses a release with a wrong signature: deleted, never installable', async () => {
    const forged = signedRelease();
    forged.files[0]!.signature = toBase64(signRelease(ed25519.utils.randomSecretKey(), '0.2.0', sha256(artifact)));
    engine.offer = forged;
    const updates = service();
    expect((await updates.check()).status).toEqual({ state: 'error', code: 'bad_signature' });
    expect(engine.discarded).toHaveLength(1);
    await expect(access(engine.discarded[0]!)).rejects.toThrow();
    expect(() => updates.restart()).toThrow(expect.objectContaining({ code: 'update_not_ready' }));
    expect(engine.installs).toBe(0);
  });

  it('refuses an unsigned release and a file the feed does not list (a truncated download)', async () => {
    engine.offer = signedRelease();
    delete (engine.offer.files[0] as { signature?: string }).signature;
    expect((await service().check()).status).toMatchObject({ state: 'error', code: 'unsigned' });
    engine.offer = signedRelease();
    engine.bytes = artifact.subarray(0, artifact.length - 100);
    expect((await service().check()).status).toMatchObject({ state: 'error', code: 'not_in_feed' });
  });

  it('reports a checksum failure from the download as a damaged download', async () => {
    engine.offer = signedRelease();
    engine.failDownload = new Error('sha512 checksum mismatch, expected abc, got def');
    expect((await service().check()).status).toMatchObject({ state: 'error', code: 'download_corrupt' });
    engine.failDownload = new Error('socket hang up');
    expect((await service().check()).status).toMatchObject({ state: 'error', code: 'download_failed' });
  });

  it('never takes a downgrade, the same version, or a pre-release on stable — and says it is up to date', async () => {
    for (const version of ['0.0.9', '0.1.0', '1.0.0-beta.1']) {
      engine.offer = signedRelease(version);
      expect((await service().check()).status).toMatchObject({ state: 'up-to-date' });
    }
    engine.offer = null;
    expect((await service().check()).status).toMatchObject({ state: 'up-to-date' });
  });

  it('refuses a downgrade even when the feed lists and signs it and the engine downloads it', async () => {
    const old = signedRelease('0.0.5');
    engine.offer = { ...old, version: '0.3.0' };
    expect((await service().check()).status).toMatchObject({ state: 'error', code: 'bad_signature' });
  });

  it('takes beta releases on the beta channel, and checks again when the channel changes', async () => {
    engine.offer = signedRelease('1.0.0-beta.1');
    const updates = service();
    expect((await updates.check()).status).toMatchObject({ state: 'up-to-date' });
    channel = 'beta';
    updates.channelChanged();
    await expect.poll(() => updates.view().status.state).toBe('ready');
    expect(engine.channels).toEqual(['stable', 'beta']);
  });

  it('says what failed when the server cannot be reached, and runs one check at a time', async () => {
    engine.failCheck = true;
    const updates = service();
    const [first, second] = await Promise.all([updates.check(), updates.check()]);
    expect(first.status).toEqual({ state: 'error', code: 'check_failed' });
    expect(second).toEqual(first);
    expect(engine.channels).toHaveLength(1);
  });

  it('checks shortly after start and again every few hours', async () => {
    const scheduled: { callback: () => void; ms: number }[] = [];
    const updates = service({ timers: { setTimeout: (callback, ms) => scheduled.push({ callback, ms }), clearTimeout: () => undefined } });
    updates.start();
    expect(scheduled.map((entry) => entry.ms)).toEqual([30_000]);
    scheduled[0]!.callback();
    await expect.poll(() => scheduled.length).toBe(2);
    expect(scheduled[1]!.ms).toBe(4 * 3_600_000);
    expect(engine.channels).toEqual(['stable']);
  });

  it('is off, saying why, when the build has no feed or key', async () => {
    const updates = new UpdateService({
      engine,
      config: { enabled: false, reason: 'no_feed' },
      currentVersion: '0.1.0',
      channel: () => 'stable',
      onChange: () => undefined,
      logger: silentLogger,
    });
    updates.start();
    expect((await updates.check()).status).toEqual({ state: 'disabled', reason: 'no_feed' });
    expect(engine.channels).toEqual([]);
  });
});
