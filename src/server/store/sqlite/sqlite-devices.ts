// Linked devices in SQLite: linking a device to an existing account under the next never-used device id, listing
// an account's devices, removing one with everything the relay holds for it, and when each was last seen. Runs
// inside the caller's transaction; the mailbox of a removed device is emptied by the caller (SqliteMailboxes).
import type Database from 'better-sqlite3';
import type { DeviceLink, DeviceRecord, LinkOutcome } from '../relay-store';

interface DeviceRow {
  username: string;
  device: number;
  identity_key: string;
  registered_at: number;
  certificate: string | null;
  name: string | null;
  last_seen_at: number | null;
}

const DEVICE_COLUMNS = 'username, device, identity_key, registered_at, certificate, name, last_seen_at';

function prepareStatements(db: Database.Database) {
  return {
    find: db.prepare<[string, number], DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE username = ? AND device = ?`),
    list: db.prepare<[string], DeviceRow>(`SELECT ${DEVICE_COLUMNS} FROM devices WHERE username = ? ORDER BY device`),
    lastDevice: db.prepare<[string], { last_device: number }>('SELECT last_device FROM users WHERE username = ?'),
    setLastDevice: db.prepare<[number, string]>('UPDATE users SET last_device = max(last_device, ?) WHERE username = ?'),
    insertLinked: db.prepare<[string, number, string, number, string, string]>(
      'INSERT INTO devices (username, device, identity_key, registered_at, certificate, name) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    rowId: db.prepare<[string, number], { id: number }>('SELECT id FROM devices WHERE username = ? AND device = ?'),
    deleteSigned: db.prepare<[number]>('DELETE FROM signed_prekeys WHERE device_id = ?'),
    deleteOneTime: db.prepare<[number]>('DELETE FROM one_time_prekeys WHERE device_id = ?'),
    deleteKem: db.prepare<[number]>('DELETE FROM kem_prekeys WHERE device_id = ?'),
    deleteLastResort: db.prepare<[number]>('DELETE FROM last_resort_kem_prekeys WHERE device_id = ?'),
    deleteMailbox: db.prepare<[number]>('DELETE FROM mailboxes WHERE device_id = ?'),
    deleteDevice: db.prepare<[number]>('DELETE FROM devices WHERE id = ?'),
    touch: db.prepare<[number, string, number]>('UPDATE devices SET last_seen_at = ? WHERE username = ? AND device = ?'),
  };
}

export class SqliteDevices {
  private readonly statements: ReturnType<typeof prepareStatements>;

  constructor(db: Database.Database) {
    this.statements = prepareStatements(db);
  }

  find(user: string, device: number): DeviceRecord | undefined {
    const row = this.statements.find.get(user, device);
    return row === undefined ? undefined : toRecord(row);
  }

  list(user: string): DeviceRecord[] {
    return this.statements.list.all(user).map(toRecord);
  }

  /** Registration made device `device` of `user`: later links get higher ids. */
  noteRegistered(user: string, device: number): void {
    this.statements.setLastDevice.run(device, user);
  }

  link(link: DeviceLink): LinkOutcome {
    const last = this.statements.lastDevice.get(link.user);
    if (last === undefined) return { status: 'unknown_user' };
    const devices = this.statements.list.all(link.user);
    const same = devices.find((d) => d.identity_key === link.identityKey);
    if (same !== undefined) return { status: 'already_linked', device: same.device };
    if (devices.length >= link.maxDevices) return { status: 'too_many_devices' };
    const device = Math.max(last.last_device, ...devices.map((d) => d.device)) + 1;
    this.statements.insertLinked.run(link.user, device, link.identityKey, link.linkedAt, link.certificate, link.name);
    this.statements.setLastDevice.run(device, link.user);
    return { status: 'linked', device };
  }

  /** Deletes the device row, its prekeys and its mailbox counters; the caller emptied its mailbox first. */
  remove(user: string, device: number): boolean {
    const id = this.statements.rowId.get(user, device)?.id;
    if (id === undefined) return false;
    this.statements.deleteSigned.run(id);
    this.statements.deleteOneTime.run(id);
    this.statements.deleteKem.run(id);
    this.statements.deleteLastResort.run(id);
    this.statements.deleteMailbox.run(id);
    this.statements.deleteDevice.run(id);
    return true;
  }

  touch(user: string, device: number, at: number): void {
    this.statements.touch.run(at, user, device);
  }
}

function toRecord(row: DeviceRow): DeviceRecord {
  return {
    address: { user: row.username, device: row.device },
    identityKey: row.identity_key,
    registeredAt: row.registered_at,
    ...(row.certificate === null ? {} : { certificate: row.certificate }),
    ...(row.name === null ? {} : { name: row.name }),
    ...(row.last_seen_at === null ? {} : { lastSeenAt: row.last_seen_at }),
  };
}
