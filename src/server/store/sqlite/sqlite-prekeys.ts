// The prekey directory in SQLite: each device's signed prekey, its queue of one-time prekeys, its queue of one-time
// KEM prekeys and its last-resort KEM prekey. Every operation is
// one synchronous transaction, so a fetch that consumes a one-time prekey can never interleave with another; writes
// resolve only once they are as durable as a `sent` (the store's afterWrite). Never logs or inspects key material.
import type Database from 'better-sqlite3';
import { normalizeUsername, type Address } from '../../../shared/protocol';
import type {
  BundleRequest,
  PrekeyCount,
  PrekeyStore,
  PrekeyUpload,
  PublishOutcome,
  StoredKemPrekey,
  TakeBundlesOutcome,
  TakenBundle,
} from '../relay-store';

interface BundleRow {
  id: number;
  device: number;
  identity_key: string;
  certificate: string | null;
  key_id: number;
  public_key: string;
  signature: string;
}

function prepareStatements(db: Database.Database) {
  return {
    deviceId: db.prepare<[string, number], { id: number }>('SELECT id FROM devices WHERE username = ? AND device = ?'),
    userExists: db.prepare<[string], { username: string }>('SELECT username FROM users WHERE username = ?'),
    /** The account key: the identity key of the device that registered the username (the one without a certificate). */
    accountKey: db.prepare<[string], { identity_key: string }>(
      'SELECT identity_key FROM devices WHERE username = ? AND certificate IS NULL ORDER BY device LIMIT 1',
    ),
    putSigned: db.prepare<[number, number, string, string, number]>(
      `INSERT INTO signed_prekeys (device_id, key_id, public_key, signature, published_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET key_id = excluded.key_id, public_key = excluded.public_key,
         signature = excluded.signature, published_at = excluded.published_at`,
    ),
    signedId: db.prepare<[number], { key_id: number }>('SELECT key_id FROM signed_prekeys WHERE device_id = ?'),
    countOneTime: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM one_time_prekeys WHERE device_id = ?'),
    hasOneTime: db.prepare<[number, number], { found: number }>(
      'SELECT 1 AS found FROM one_time_prekeys WHERE device_id = ? AND key_id = ?',
    ),
    // REPLACE deletes a row with the same (device, key id) first, so a re-published key joins the back of the queue.
    putOneTime: db.prepare<[number, number, string]>(
      'INSERT OR REPLACE INTO one_time_prekeys (device_id, key_id, public_key) VALUES (?, ?, ?)',
    ),
    takeOldestOneTime: db.prepare<[number], { key_id: number; public_key: string }>(
      `DELETE FROM one_time_prekeys
       WHERE id = (SELECT id FROM one_time_prekeys WHERE device_id = ? ORDER BY id LIMIT 1)
       RETURNING key_id, public_key`,
    ),
    countKem: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM kem_prekeys WHERE device_id = ?'),
    hasKem: db.prepare<[number, number], { found: number }>('SELECT 1 AS found FROM kem_prekeys WHERE device_id = ? AND key_id = ?'),
    putKem: db.prepare<[number, number, string, string]>(
      'INSERT OR REPLACE INTO kem_prekeys (device_id, key_id, public_key, signature) VALUES (?, ?, ?, ?)',
    ),
    takeOldestKem: db.prepare<[number], { key_id: number; public_key: string; signature: string }>(
      `DELETE FROM kem_prekeys
       WHERE id = (SELECT id FROM kem_prekeys WHERE device_id = ? ORDER BY id LIMIT 1)
       RETURNING key_id, public_key, signature`,
    ),
    putLastResort: db.prepare<[number, number, string, string, number]>(
      `INSERT INTO last_resort_kem_prekeys (device_id, key_id, public_key, signature, published_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (device_id) DO UPDATE SET key_id = excluded.key_id, public_key = excluded.public_key,
         signature = excluded.signature, published_at = excluded.published_at`,
    ),
    lastResort: db.prepare<[number], { key_id: number; public_key: string; signature: string }>(
      'SELECT key_id, public_key, signature FROM last_resort_kem_prekeys WHERE device_id = ?',
    ),
    bundlesOf: db.prepare<[string, number, number], BundleRow>(
      `SELECT d.id, d.device, d.identity_key, d.certificate, s.key_id, s.public_key, s.signature
       FROM devices d JOIN signed_prekeys s ON s.device_id = d.id
       WHERE d.username = ? AND d.device <> ? ORDER BY d.device LIMIT ?`,
    ),
  };
}

export class SqlitePrekeyStore implements PrekeyStore {
  private readonly statements: ReturnType<typeof prepareStatements>;
  private readonly publishInTransaction: (upload: PrekeyUpload) => PublishOutcome;
  private readonly takeInTransaction: (request: BundleRequest, limit: number) => TakeBundlesOutcome;

  constructor(
    db: Database.Database,
    /** Throws once the store is closed. */
    private readonly assertOpen: () => void,
    /** Resolves once every write committed so far is durable. */
    private readonly afterWrite: () => Promise<void>,
  ) {
    this.statements = prepareStatements(db);
    this.publishInTransaction = db.transaction((upload: PrekeyUpload) => this.publishOne(upload));
    this.takeInTransaction = db.transaction((request: BundleRequest, limit: number) => this.takeBundles(request, limit));
  }

  async publishPrekeys(upload: PrekeyUpload): Promise<PublishOutcome> {
    this.assertOpen();
    const outcome = this.publishInTransaction(upload);
    if (outcome.status === 'published') await this.afterWrite();
    return outcome;
  }

  async countPrekeys(device: Address): Promise<PrekeyCount> {
    this.assertOpen();
    const id = this.deviceId(device);
    if (id === undefined) return { oneTimePrekeys: 0, signedPrekeyId: null, kemPrekeys: 0, lastResortKemPrekeyId: null };
    return {
      oneTimePrekeys: this.oneTimeCount(id),
      signedPrekeyId: this.statements.signedId.get(id)?.key_id ?? null,
      kemPrekeys: this.kemCount(id),
      lastResortKemPrekeyId: this.statements.lastResort.get(id)?.key_id ?? null,
    };
  }

  async takePrekeyBundles(request: BundleRequest, limit: number): Promise<TakeBundlesOutcome> {
    this.assertOpen();
    const outcome = this.takeInTransaction(request, limit);
    // A consumed one-time prekey (curve or KEM) must stay consumed across a crash, or it could be handed out twice.
    if (outcome.status === 'taken') await this.afterWrite();
    return outcome;
  }

  private publishOne(upload: PrekeyUpload): PublishOutcome {
    const id = this.deviceId(upload.device);
    if (id === undefined) return { status: 'unknown_device' };
    // Within one upload a repeated id counts once and its last key wins, as if uploaded one after another.
    const latest = new Map<number, string>();
    for (const key of upload.oneTimePrekeys) latest.set(key.id, key.publicKey);
    const latestKem = new Map<number, StoredKemPrekey>();
    for (const key of upload.kemPrekeys ?? []) latestKem.set(key.id, key);
    const held = this.oneTimeCount(id);
    let added = 0;
    for (const keyId of latest.keys()) if (this.statements.hasOneTime.get(id, keyId) === undefined) added++;
    // Only growth is refused: replacing keys or rotating the signed prekey works even above a lowered cap.
    if (added > 0 && held + added > upload.cap) return { status: 'cap_exceeded', held, wouldHold: held + added };
    const heldKem = this.kemCount(id);
    let addedKem = 0;
    for (const keyId of latestKem.keys()) if (this.statements.hasKem.get(id, keyId) === undefined) addedKem++;
    if (addedKem > 0 && heldKem + addedKem > upload.cap) return { status: 'cap_exceeded', held: heldKem, wouldHold: heldKem + addedKem };
    const signed = upload.signedPrekey;
    if (signed !== undefined) this.statements.putSigned.run(id, signed.id, signed.publicKey, signed.signature, upload.now);
    for (const [keyId, publicKey] of latest) this.statements.putOneTime.run(id, keyId, publicKey);
    for (const key of latestKem.values()) this.statements.putKem.run(id, key.id, key.publicKey, key.signature);
    const lastResort = upload.lastResortKemPrekey;
    if (lastResort !== undefined) this.statements.putLastResort.run(id, lastResort.id, lastResort.publicKey, lastResort.signature, upload.now);
    return { status: 'published', oneTimePrekeys: held + added, kemPrekeys: heldKem + addedKem };
  }

  private takeBundles(request: BundleRequest, limit: number): TakeBundlesOutcome {
    const user = normalizeUsername(request.user);
    if (this.statements.userExists.get(user) === undefined) return { status: 'unknown_user' };
    const exclude = request.exclude;
    // Device ids start at 1, so 0 excludes nothing.
    const excludedDevice = exclude !== undefined && normalizeUsername(exclude.user) === user ? exclude.device : 0;
    const rows = this.statements.bundlesOf.all(user, excludedDevice, Math.max(0, limit));
    const accountKey = this.statements.accountKey.get(user)?.identity_key;
    if (rows.length === 0 || accountKey === undefined) return { status: 'no_prekeys' };
    const bundles = rows.map((row): TakenBundle => {
      const taken = this.statements.takeOldestOneTime.get(row.id);
      const oneTimeKem = this.statements.takeOldestKem.get(row.id);
      const kem = oneTimeKem ?? this.statements.lastResort.get(row.id);
      return {
        device: row.device,
        identityKey: row.identity_key,
        ...(row.certificate === null ? {} : { certificate: row.certificate }),
        signedPrekey: { id: row.key_id, publicKey: row.public_key, signature: row.signature },
        ...(taken === undefined ? {} : { oneTimePrekey: { id: taken.key_id, publicKey: taken.public_key } }),
        oneTimePrekeysLeft: this.oneTimeCount(row.id),
        ...(kem === undefined ? {} : { kemPrekey: { id: kem.key_id, publicKey: kem.public_key, signature: kem.signature } }),
        kemPrekeyConsumed: oneTimeKem !== undefined,
        kemPrekeysLeft: this.kemCount(row.id),
      };
    });
    return { status: 'taken', user, accountKey, bundles };
  }

  private deviceId(device: Address): number | undefined {
    return this.statements.deviceId.get(normalizeUsername(device.user), device.device)?.id;
  }

  private kemCount(deviceId: number): number {
    return this.statements.countKem.get(deviceId)?.n ?? 0;
  }

  private oneTimeCount(deviceId: number): number {
    return this.statements.countOneTime.get(deviceId)?.n ?? 0;
  }
}
