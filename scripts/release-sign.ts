// `npm run release:sign`: adds Parley's release signature to every artifact of an electron-builder feed and writes
// the feed files the update channel reads (docs/security.md §16.4).
//
//   npm run release:sign -- --generate-key                 prints a new key pair (keep the private key secret)
//   PARLEY_RELEASE_PRIVATE_KEY=<base64> npm run release:sign -- [--dir dist] [--staging 20]
//
// It reads the latest*.yml (stable) and beta*.yml (a version like 1.0.0-beta.1) that `npm run dist` wrote next to
// the artifacts, checks each listed file's
// SHA-512, signs its SHA-256 and the version (src/main/core/updates/releaseSignature.ts), sets stagingPercentage if
// asked, and writes the feed back. A stable release is also written to the beta feeds when newer than what they
// offer, so beta users get it too. The private key comes only from the environment, never from a file in the repo.
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ed25519 } from '@noble/curves/ed25519.js';
import yaml from 'js-yaml';
import semver from 'semver';
import { fromBase64, toBase64 } from '../src/shared/encoding/base64';
import { releasePublicKey, signRelease } from '../src/main/core/updates/releaseSignature';

export interface FeedFile {
  url: string;
  sha512: string;
  size?: number;
  signature?: string;
  [field: string]: unknown;
}

/** electron-builder's update info (latest*.yml); unknown fields are kept as they are. */
export interface Feed {
  version: string;
  files: FeedFile[];
  path?: string;
  sha512?: string;
  releaseDate?: string;
  stagingPercentage?: number;
  [field: string]: unknown;
}

async function digests(path: string): Promise<{ sha256: Uint8Array; sha512: string; size: number }> {
  const bytes = await readFile(path);
  return { sha256: new Uint8Array(createHash('sha256').update(bytes).digest()), sha512: createHash('sha512').update(bytes).digest('base64'), size: bytes.length };
}

/** Signs every file of `feed` whose artifact is in `dir`; refuses a file whose bytes differ from what the feed lists. */
export async function signFeed(feed: Feed, dir: string, privateKey: Uint8Array, stagingPercentage?: number): Promise<Feed> {
  if (!semver.valid(feed.version)) throw new Error(`feed version "${feed.version}" is not a semantic version`);
  const files: FeedFile[] = [];
  for (const file of feed.files) {
    const artifact = join(dir, basename(decodeURIComponent(file.url)));
    const digest = await digests(artifact);
    if (digest.sha512 !== file.sha512) throw new Error(`${basename(artifact)} does not match the SHA-512 the feed lists; rebuild before signing`);
    files.push({ ...file, signature: toBase64(signRelease(privateKey, feed.version, digest.sha256)) });
  }
  const signed: Feed = { ...feed, files };
  if (stagingPercentage !== undefined) signed.stagingPercentage = stagingPercentage;
  return signed;
}

/** A feed for artifacts electron-builder did not describe (and for tests): the same format electron-builder writes. */
export async function feedFor(version: string, artifacts: readonly string[], releaseDate = new Date().toISOString()): Promise<Feed> {
  const files: FeedFile[] = [];
  for (const artifact of artifacts) {
    const digest = await digests(artifact);
    files.push({ url: basename(artifact), sha512: digest.sha512, size: digest.size });
  }
  return { version, files, path: files[0]!.url, sha512: files[0]!.sha512, releaseDate };
}

export function feedText(feed: Feed): string {
  return yaml.dump(feed, { lineWidth: -1, noRefs: true });
}

export function parseFeed(text: string): Feed {
  const feed = yaml.load(text) as Feed;
  if (!feed || typeof feed.version !== 'string' || !Array.isArray(feed.files)) throw new Error('not an electron-builder feed');
  return feed;
}

export function privateKeyFrom(env: Readonly<Record<string, string | undefined>>): Uint8Array {
  const text = env.PARLEY_RELEASE_PRIVATE_KEY?.trim() ?? '';
  if (!/^[A-Za-z0-9+/]{43}=$/.test(text)) throw new Error('PARLEY_RELEASE_PRIVATE_KEY must hold the 32-byte release key, base64 (see --generate-key)');
  return fromBase64(text);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'generate-key': { type: 'boolean', default: false },
      dir: { type: 'string', default: 'dist' },
      staging: { type: 'string' },
    },
  });
  if (values['generate-key']) {
    const key = ed25519.utils.randomSecretKey();
    console.log(`PARLEY_RELEASE_PRIVATE_KEY=${toBase64(key)}   (secret: keep it in your release machine's secret store)`);
    console.log(`PARLEY_RELEASE_PUBLIC_KEY=${toBase64(releasePublicKey(key))}   (set it when building: npm run dist)`);
    return;
  }
  const staging = values.staging === undefined ? undefined : Number(values.staging);
  if (staging !== undefined && !(Number.isInteger(staging) && staging >= 0 && staging <= 100)) throw new Error('--staging is a whole percentage from 0 to 100');
  const privateKey = privateKeyFrom(process.env);
  const dir = values.dir!;
  const feeds = (await readdir(dir)).filter((name) => /^(latest|beta)(-mac|-linux|-linux-arm64)?\.yml$/.test(name));
  if (feeds.length === 0) throw new Error(`no latest*.yml or beta*.yml in ${dir}: run npm run dist (with PARLEY_UPDATE_FEED_URL set) first`);
  for (const name of feeds.sort()) {
    const signed = await signFeed(parseFeed(await readFile(join(dir, name), 'utf8')), dir, privateKey, staging);
    await writeFile(join(dir, name), feedText(signed));
    console.log(`signed ${signed.files.length} file(s) of ${signed.version} → ${name}`);
    if (name.startsWith('latest')) {
      const betaName = name.replace(/^latest/, 'beta');
      const beta = await readFile(join(dir, betaName), 'utf8').then(parseFeed, () => null);
      if (!beta || semver.gt(signed.version, beta.version)) {
        await writeFile(join(dir, betaName), feedText(signed));
        console.log(`  also offered on the beta channel → ${betaName}`);
      }
    }
  }
}

if (process.argv[1] && import.meta.url.endsWith(basename(process.argv[1]))) {
  main().catch((error: unknown) => {
    console.error(`release:sign: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
}
