// The prekey directory in Redis, all in the user's slot: signed and last-resort KEM prekeys in per-user hashes
// (device → JSON), each device's one-time prekeys of each kind as a sorted set by arrival plus a hash of values.
// A publish is one script (the cap check and every write), a fetch consumes each device's keys in one script, so
// two fetches never hand out the same one-time key. Never logs or inspects key material.
import { normalizeUsername, type Address } from '../../../shared/protocol';
import type {
  BundleRequest,
  PrekeyCount,
  PrekeyStore,
  PrekeyUpload,
  PublishOutcome,
  StoredKemPrekey,
  StoredOneTimePrekey,
  StoredSignedPrekey,
  TakeBundlesOutcome,
  TakenBundle,
} from '../relay-store';
import { redisKeys } from './redis-keys';
import { PUBLISH_PREKEYS, TAKE_PREKEYS, runScript, type RedisClient } from './redis-scripts';

export class RedisPrekeyStore implements PrekeyStore {
  constructor(
    private readonly redis: RedisClient,
    /** Throws once the store is closed. */
    private readonly assertOpen: () => void,
  ) {}

  async publishPrekeys(upload: PrekeyUpload): Promise<PublishOutcome> {
    this.assertOpen();
    const device = normalized(upload.device);
    const oneTime = upload.oneTimePrekeys.flatMap((k) => [k.id, JSON.stringify({ id: k.id, publicKey: k.publicKey })]);
    const kem = (upload.kemPrekeys ?? []).flatMap((k) => [k.id, JSON.stringify(signedKey(k))]);
    const reply = (await runScript(
      this.redis,
      PUBLISH_PREKEYS,
      [
        redisKeys.devices(device.user),
        redisKeys.signedPrekeys(device.user),
        redisKeys.lastResortKemPrekeys(device.user),
        redisKeys.prekeyQueue(device, 'otk'),
        redisKeys.prekeyValues(device, 'otk'),
        redisKeys.prekeyQueue(device, 'kem'),
        redisKeys.prekeyValues(device, 'kem'),
        redisKeys.prekeyArrivals(device),
      ],
      [
        device.device,
        upload.cap,
        upload.signedPrekey === undefined ? '' : JSON.stringify(signedKey(upload.signedPrekey)),
        upload.lastResortKemPrekey === undefined ? '' : JSON.stringify(signedKey(upload.lastResortKemPrekey)),
        upload.oneTimePrekeys.length,
        ...oneTime,
        ...kem,
      ],
    )) as [string, number?, number?];
    if (reply[0] === 'unknown_device') return { status: 'unknown_device' };
    if (reply[0] === 'cap_exceeded') return { status: 'cap_exceeded', held: reply[1]!, wouldHold: reply[2]! };
    return { status: 'published', oneTimePrekeys: reply[1]!, kemPrekeys: reply[2]! };
  }

  async countPrekeys(address: Address): Promise<PrekeyCount> {
    this.assertOpen();
    const device = normalized(address);
    const [oneTime, signed, kem, lastResort] = await Promise.all([
      this.redis.zcard(redisKeys.prekeyQueue(device, 'otk')),
      this.redis.hget(redisKeys.signedPrekeys(device.user), String(device.device)),
      this.redis.zcard(redisKeys.prekeyQueue(device, 'kem')),
      this.redis.hget(redisKeys.lastResortKemPrekeys(device.user), String(device.device)),
    ]);
    return {
      oneTimePrekeys: oneTime,
      signedPrekeyId: signed === null ? null : (JSON.parse(signed) as StoredSignedPrekey).id,
      kemPrekeys: kem,
      lastResortKemPrekeyId: lastResort === null ? null : (JSON.parse(lastResort) as StoredKemPrekey).id,
    };
  }

  async takePrekeyBundles(request: BundleRequest, limit: number): Promise<TakeBundlesOutcome> {
    this.assertOpen();
    const user = normalizeUsername(request.user);
    const [devices, signed] = await Promise.all([this.redis.hgetall(redisKeys.devices(user)), this.redis.hgetall(redisKeys.signedPrekeys(user))]);
    if (Object.keys(devices).length === 0) return { status: 'unknown_user' };
    const exclude = request.exclude;
    const excluded = exclude !== undefined && normalizeUsername(exclude.user) === user ? exclude.device : 0;
    const chosen = Object.keys(signed)
      .map(Number)
      .filter((id) => id !== excluded && devices[id] !== undefined)
      .sort((a, b) => a - b)
      .slice(0, Math.max(0, limit));
    // The account key: the primary's identity key (the lowest device without a certificate).
    const primary = Object.keys(devices)
      .map(Number)
      .sort((a, b) => a - b)
      .map((id) => JSON.parse(devices[id]!) as { identityKey: string; certificate?: string })
      .find((record) => record.certificate === undefined);
    if (chosen.length === 0 || primary === undefined) return { status: 'no_prekeys' };
    const bundles = await Promise.all(chosen.map((id) => this.takeOne({ user, device: id }, devices[id]!, signed[id]!)));
    return { status: 'taken', user, accountKey: primary.identityKey, bundles };
  }

  private async takeOne(device: Address, deviceJson: string, signedJson: string): Promise<TakenBundle> {
    const [oneTime, oneTimeLeft, kem, consumed, kemLeft] = (await runScript(
      this.redis,
      TAKE_PREKEYS,
      [
        redisKeys.prekeyQueue(device, 'otk'),
        redisKeys.prekeyValues(device, 'otk'),
        redisKeys.prekeyQueue(device, 'kem'),
        redisKeys.prekeyValues(device, 'kem'),
        redisKeys.lastResortKemPrekeys(device.user),
      ],
      [device.device],
    )) as [string, number, string, number, number];
    const record = JSON.parse(deviceJson) as { identityKey: string; certificate?: string };
    return {
      device: device.device,
      identityKey: record.identityKey,
      ...(record.certificate === undefined ? {} : { certificate: record.certificate }),
      signedPrekey: JSON.parse(signedJson) as StoredSignedPrekey,
      ...(oneTime === '' ? {} : { oneTimePrekey: JSON.parse(oneTime) as StoredOneTimePrekey }),
      oneTimePrekeysLeft: oneTimeLeft,
      ...(kem === '' ? {} : { kemPrekey: JSON.parse(kem) as StoredKemPrekey }),
      kemPrekeyConsumed: consumed === 1,
      kemPrekeysLeft: kemLeft,
    };
  }
}

function signedKey(key: StoredSignedPrekey): StoredSignedPrekey {
  return { id: key.id, publicKey: key.publicKey, signature: key.signature };
}

function normalized(address: Address): Address {
  return { user: normalizeUsername(address.user), device: address.device };
}
