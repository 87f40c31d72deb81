// The Lua scripts of the Redis store: every step that must be atomic is one script over keys of one hash tag (one
// slot), so it runs unchanged on Redis Cluster. Scripts are sent by SHA and loaded on a node that lacks them.
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { KEY_PREFIX } from './redis-keys';

export type RedisClient = Redis | Cluster;

export interface LuaScript {
  source: string;
  sha: string;
}

export function lua(source: string): LuaScript {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

export async function runScript(client: RedisClient, script: LuaScript, keys: readonly string[], args: ReadonlyArray<string | number | Buffer | Uint8Array>): Promise<unknown> {
  const argv = args.map((a) => (a instanceof Uint8Array && !Buffer.isBuffer(a) ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : a)) as Array<string | number | Buffer>;
  try {
    return await client.evalsha(script.sha, keys.length, ...keys, ...argv);
  } catch (error) {
    if (!String((error as Error).message).startsWith('NOSCRIPT')) throw error;
    return client.eval(script.source, keys.length, ...keys, ...argv);
  }
}

/** KEYS: devices hash. ARGV: device id, device JSON, identity key. */
export const REGISTER = lua(`
local existing = redis.call('HGET', KEYS[1], ARGV[1])
if existing then
  local record = cjson.decode(existing)
  if record.identityKey == ARGV[3] and record.certificate == nil then return 'already_registered' end
  return 'username_taken'
end
if redis.call('EXISTS', KEYS[1]) == 1 then return 'username_taken' end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 'registered'
`);

/**
 * KEYS: devices hash, last device counter. ARGV: identity key, device JSON, most devices. Links under the next id
 * never given; a device already holding the key is a retry. Returns {outcome, device id}.
 */
export const LINK_DEVICE = lua(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {'unknown_user', 0} end
local all = redis.call('HGETALL', KEYS[1])
local count = 0
local highest = tonumber(redis.call('GET', KEYS[2]) or '0')
for i = 1, #all, 2 do
  count = count + 1
  local id = tonumber(all[i])
  if id > highest then highest = id end
  if cjson.decode(all[i + 1]).identityKey == ARGV[1] then return {'already_linked', id} end
end
if count >= tonumber(ARGV[3]) then return {'too_many_devices', 0} end
local id = highest + 1
redis.call('SET', KEYS[2], id)
redis.call('HSET', KEYS[1], id, ARGV[2])
return {'linked', id}
`);

/**
 * KEYS: devices hash, last device counter, last seen hash, signed prekeys, last-resort KEM prekeys, then the device's
 * mailbox stream, mailbox index, and one-time prekey queues and values (curve, KEM). ARGV: device id. Returns 1 if
 * the device existed. Dedup records of what was pending for it expire by their ceiling.
 */
export const REMOVE_DEVICE = lua(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
local highest = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[1]) > highest then redis.call('SET', KEYS[2], ARGV[1]) end
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('HDEL', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
for i = 6, #KEYS do redis.call('DEL', KEYS[i]) end
return 1
`);

/**
 * The mailbox operations, run in batches: one EVALSHA carries any number of them (a round of a store batch), each
 * over keys of one slot; on Redis Cluster a round's operations are grouped by user (script-round.ts). ARGV[1]: one
 * flat MessagePack array (string-pack.ts): whether the caller runs sagas (1: mailbox indexes are expected; 0: the
 * script reads the sagas marker, KEYS[2]), the batch's dedup expire-at and safety TTL (what `put`, `release` and
 * `settle` write), then per operation its name, key count, argument count, keys and arguments. The operations read
 * their keys and arguments in place, so a call builds no table per operation. Strings arrive as Lua strings and
 * numbers as Lua numbers: what a command takes is sent as a string (a number given to `redis.call` is printed with
 * `%.17g`), what the script counts with as a number. Stream entry ids travel as `0-<seq>` strings both ways. KEYS[1]: one of the call's keys, which routes it on Redis Cluster (every key of a call
 * is in its slot). Returns one reply per operation. Each operation stays atomic on its own (the whole call is, too).
 *
 * Mailbox indexes (delivery name → seq, a sorted set per mailbox) exist only where sagas run: on Redis Cluster, with
 * WAIT, or written by a relay before b0fedc1. On a single Redis the marker `parley:sagas` (redis-keys.ts) tells
 * whether any may exist: '0' once a relay's scan at start found none (redis-mailboxes.ts), '1' from a relay that runs
 * sagas, before its first; absent, they may. Where none may exist, `put` and `ack` do not look for them.
 *
 * - `check` — KEYS: dedup record. Returns 1 when the envelope was stored before (a resend), else 0.
 * - `probe` — KEYS: the user's devices hash, then each recipient device's mailbox stream. ARGV: those device ids.
 *   Returns, per device, -1 when it is unknown, else its pending count. A mailbox stream exists only for a known
 *   device (its first append creates it; the device's removal deletes it), so only an empty one's device is looked
 *   up in the devices hash, here and in `append` and `put`.
 * - `append` — appends one envelope to the mailboxes of one user's recipient devices, all or none, each under the next
 *   seq of its stream (`XADD 0-*`: the stream remembers the last id it gave, also once trimmed), with an entry per
 *   device in its mailbox index (delivery name → seq). KEYS: the user's devices hash, then per device its mailbox
 *   stream and mailbox index. ARGV: delivery name, quota, the entry's head (mailbox-entry.ts), payload, then the
 *   device ids. Each entry is one field: the head names it, the payload is its value. Idempotent per delivery name: a retried append returns the seq it got the first time.
 *   Returns {'ok', seq per device}, or, writing nothing, {'unknown', indexes} (1-based) of unknown devices or
 *   {'full', indexes} of mailboxes at their quota.
 * - `undo` — KEYS: mailbox stream, mailbox index. ARGV: delivery name. Takes back an append of a refused envelope.
 * - `put` — the whole store of an envelope in one step, for a single Redis without WAIT, where keys of several users
 *   may meet in one call: a resend is answered from the dedup record; otherwise the envelope is appended to every
 *   recipient's mailbox (all or none: it refuses an unknown device or a full mailbox) and its dedup record marked
 *   stored, atomically. Nothing it does is left half done for a retry to find, so it writes no mailbox index. Where
 *   indexes may exist it reads one (`EXISTS`): there, an append of an unfinished saga (`append`) may already hold
 *   the envelope, whose seq it then takes. KEYS: the dedup record, then per recipient user its devices hash and, per
 *   device, its mailbox stream (its index is named after it). ARGV: quota, the entry's head (mailbox-entry.ts),
 *   payload, the number of recipient devices, then per user its device count and device ids. For one device (the
 *   number '1') the call carries only the dedup record and the mailbox stream as KEYS and nothing after the number:
 *   the append is `XADD NOMKSTREAM`, and the devices hash and the device id are read off the mailbox's key only when
 *   that finds no stream (nothing was appended then, so a refusal takes no seq). Returns
 *   {'duplicate'}; the entry id when stored for one device (a string: no table to build and convert per message),
 *   {'ok', entry id per device} for several; or, writing nothing, {'unknown' | 'full', indexes} (1-based, over the
 *   devices in ARGV order).
 * - `ack` — KEYS: mailbox stream (its index is named after it). ARGV: through (an entry id; `0-0` when the relay
 *   knows it names every delivery up to through, so none is looked for behind them), the number P of pushed
 *   deliveries, the P entry ids of the pushed deliveries (what the relay pushed and the ack freed:
 *   MailboxAck.pushed), their P delivery names, then the entry ids of the listed seqs above through that are not
 *   among them. Deletes those deliveries (and their index entries, where indexes may exist) and returns their names:
 *   a pushed one's as given (deleted by id, not read), any other's read from its stream entry (a delivery already
 *   gone is no error).
 * - `release` — `ack`, then the count-down (`settle`) of the dedup record of each delivery it deleted, in one step: for a
 *   single Redis, where those records (in their senders' slots) may share the call. KEYS and ARGV: as `ack`, with the
 *   pushed deliveries' dedup record keys in place of their names. Returns how many deliveries it deleted.
 * - `settle` — KEYS: dedup record. ARGV: deliveries made (positive when an envelope is stored, negative when
 *   deliveries of it are acked), 1 when this is the store of the envelope. A record at zero expires at the call's
 *   expire-at; one whose deliveries are pending, after its safety TTL. Stored and acked can arrive in either order.
 *
 * A dedup record is one counter: the deliveries of its envelope not yet acked. The store of the envelope counts it up
 * by its deliveries (usually creating it), acks count it down; acks that come before the store leave it below zero.
 * So it is zero or more exactly when the envelope is stored. `put` checks and marks it in one command (`SET NX GET`,
 * before it appends; taken back if it refuses); `release` counts it down by one delivery in one command when that was
 * its last (`SET 0 PXAT GET`), else in a second; `settle` reads it (`GET`), then writes it once (`SET` with `PXAT`
 * expire-at when it reaches zero, `PX` ceiling below zero or when new, else `KEEPTTL`).
 * Records written before this layout are hashes {done, left}: they are read and counted down as such until they
 * expire.
 */
export const MAILBOX_OPS = lua(`
-- The call (cmsgpack.unpack(ARGV[1])), whether mailbox indexes may exist, and the dedup records' expire-at and safety
-- TTL: set below, before any operation runs.
local c, indexed, expireAt, ceiling
local ops = {}
local DUPLICATE = {'duplicate'}
-- A dedup record as GET reads it: false when there is none, 'hash' for one of the earlier layout, else its count.
local function record(key)
  local value = redis.pcall('GET', key)
  if type(value) == 'table' then return 'hash' end
  if value == false then return false end
  return tonumber(value)
end
-- Whether the record (as record() read it) says its envelope is stored.
local function stored(key, value)
  if value == 'hash' then return redis.call('HGET', key, 'done') == '1' end
  return value ~= false and value >= 0
end
-- A mailbox stream's index (a sorted set: delivery name → seq), where sagas run.
local function indexOf(mailbox)
  return (string.gsub(mailbox, ':mb:', ':mbi:', 1))
end
local function settleHash(key, deliveries, store)
  local left = redis.call('HINCRBY', key, 'left', deliveries)
  local done = store
  if done then redis.call('HSET', key, 'done', '1') elseif left <= 0 then done = redis.call('HGET', key, 'done') == '1' end
  if left <= 0 and done then redis.call('PEXPIREAT', key, expireAt) else redis.call('PEXPIRE', key, ceiling) end
  return left
end
-- Counts a record (as record() read it) up by the deliveries of its stored envelope, or down by acked ones, in one
-- write: at zero it expires at expireAt; below zero (acks before the store) and while new, after the ceiling.
local function tally(key, value, deliveries, store)
  if value == 'hash' then return settleHash(key, deliveries, store) end
  local left = (value or 0) + deliveries
  if left == 0 then
    redis.call('SET', key, 0, 'PXAT', expireAt)
  elseif left < 0 or value == false then
    redis.call('SET', key, left, 'PX', ceiling)
  else
    redis.call('SET', key, left, 'KEEPTTL')
  end
  return left
end
-- Each operation gets the offsets of its keys (c[k + 1] to c[a]) and arguments (c[a + 1] to c[e]).
function ops.check(k, a, e)
  if stored(c[k + 1], record(c[k + 1])) then return 1 end
  return 0
end
-- Whether a device is known, given its mailbox's pending count: a mailbox stream exists only for a known device (its
-- first append creates it, the device's removal deletes it), so one with entries needs no look in the devices hash.
local function known(devices, device, pending)
  return pending > 0 or redis.call('HEXISTS', devices, device) == 1
end
function ops.probe(k, a, e)
  local counts = {}
  for i = 1, e - a do
    local pending = redis.call('XLEN', c[k + 1 + i])
    if known(c[k + 1], c[a + i], pending) then counts[i] = pending else counts[i] = -1 end
  end
  return counts
end
function ops.append(k, a, e)
  local devices = e - a - 4
  local unknown, pending = {}, {}
  for i = 1, devices do
    pending[i] = redis.call('XLEN', c[k + 2 * i])
    if not known(c[k + 1], c[a + 4 + i], pending[i]) then unknown[#unknown + 1] = i end
  end
  if #unknown > 0 then return {'unknown', unpack(unknown)} end
  local seqs, full = {}, {}
  for i = 1, devices do
    local existing = redis.call('ZSCORE', c[k + 2 * i + 1], c[a + 1])
    if existing then
      seqs[i] = tonumber(existing)
    elseif pending[i] >= c[a + 2] then
      full[#full + 1] = i
    end
  end
  if #full > 0 then return {'full', unpack(full)} end
  for i = 1, devices do
    if not seqs[i] then
      local id = redis.call('XADD', c[k + 2 * i], '0-*', c[a + 3], c[a + 4])
      local seq = tonumber(string.sub(id, 3))
      redis.call('ZADD', c[k + 2 * i + 1], seq, c[a + 1])
      seqs[i] = seq
    end
  end
  return {'ok', unpack(seqs)}
end
function ops.undo(k, a, e)
  local seq = redis.call('ZSCORE', c[k + 2], c[a + 1])
  if not seq then return 0 end
  redis.call('XDEL', c[k + 1], '0-' .. seq)
  redis.call('ZREM', c[k + 2], c[a + 1])
  return 1
end
-- Whether the device of a mailbox stream's key ('${KEY_PREFIX}{user}:mb:device') is known (its devices hash holds it).
local function mailboxDeviceKnown(mailbox)
  local user, device = string.match(mailbox, '^(.*}):mb:(.*)$')
  return redis.call('HEXISTS', user .. ':devices', device) == 1
end
-- The dedup record's resend check and marking for n deliveries in one command: SET NX creates the record (awaiting
-- every delivery) unless one exists, and GET hands back the one that does. Returns the record as record() reads it.
local function mark(dedup, n)
  local old = redis.pcall('SET', dedup, n, 'NX', 'PX', ceiling, 'GET')
  if type(old) == 'table' then return 'hash' end
  if old then return tonumber(old) end
  return false
end
local UNKNOWN_ONE, FULL_ONE = {'unknown', 1}, {'full', 1}
-- put for one device: its mailbox stream is the call's second key, the rest of the arguments are not sent.
local function putOne(dedup, mailbox, quota, head, payload)
  local pending = redis.call('XLEN', mailbox)
  local id = false
  if indexed then
    local index = indexOf(mailbox)
    if redis.call('EXISTS', index) == 1 then id = redis.call('ZSCORE', index, string.match(head, '^(.*):')) end
    if id then id = '0-' .. id end
  end
  -- A mailbox at its quota holds entries (so its device is known) unless the quota is 0.
  local refusal = false
  if not id and pending >= quota then
    if pending == 0 and not mailboxDeviceKnown(mailbox) then refusal = UNKNOWN_ONE else refusal = FULL_ONE end
  end
  local value = mark(dedup, '1')
  if stored(dedup, value) then return DUPLICATE end
  if refusal then
    if value == false then redis.call('DEL', dedup) end
    return refusal
  end
  if not id then
    -- NOMKSTREAM appends nothing where the device has no stream: one never sent to, or no device.
    id = redis.pcall('XADD', mailbox, 'NOMKSTREAM', '0-*', head, payload)
    if id == false then
      if not mailboxDeviceKnown(mailbox) then
        if value == false then redis.call('DEL', dedup) end
        return UNKNOWN_ONE
      end
      id = redis.pcall('XADD', mailbox, '0-*', head, payload)
    end
    if type(id) == 'table' then
      -- Not stored: no record says it was.
      if value == false then redis.call('DEL', dedup) end
      error(id)
    end
  end
  -- A record that existed (acks that came first, or one of the earlier layout) is counted up now.
  if value ~= false then tally(dedup, value, 1, true) end
  return id
end
function ops.put(k, a, e)
  local dedup, quota, head, payload = c[k + 1], c[a + 1], c[a + 2], c[a + 3]
  if c[a + 4] == '1' then return putOne(dedup, c[k + 2], quota, head, payload) end
  -- First the checks, building a table only for what they find (rare): unknown devices, full mailboxes, and entries
  -- of a saga (another relay's, with WAIT or of an earlier version) that died before its marking.
  local unknown, full, found
  local n, ki, ai = 0, k + 2, a + 5
  while ai <= e do
    local devices, count = c[ki], c[ai]
    for i = 1, count do
      n = n + 1
      local mailbox, pending = c[ki + i], 0
      if not unknown then pending = redis.call('XLEN', mailbox) end
      if not known(devices, c[ai + i], pending) then
        if not unknown then unknown = {'unknown'} end
        unknown[#unknown + 1] = n
      elseif not unknown then
        local seq = false
        if indexed then
          local index = indexOf(mailbox)
          if redis.call('EXISTS', index) == 1 then seq = redis.call('ZSCORE', index, string.match(head, '^(.*):')) end
        end
        if seq then
          if not found then found = {} end
          found[n] = '0-' .. seq
        elseif pending >= quota then
          if not full then full = {'full'} end
          full[#full + 1] = n
        end
      end
    end
    ki = ki + 1 + count
    ai = ai + 1 + count
  end
  -- A resend is a duplicate whatever its recipients now are.
  local value = mark(dedup, c[a + 4])
  if stored(dedup, value) then return DUPLICATE end
  if unknown or full then
    if value == false then redis.call('DEL', dedup) end
    return unknown or full
  end
  local reply = nil
  n, ki, ai = 0, k + 2, a + 5
  while ai <= e do
    local count = c[ai]
    for i = 1, count do
      n = n + 1
      local id = found and found[n]
      if not id then id = redis.pcall('XADD', c[ki + i], '0-*', head, payload) end
      if type(id) == 'table' then
        -- Not stored: no record says it was (appends already made come again on a resend, as with any saga).
        if value == false then redis.call('DEL', dedup) end
        error(id)
      end
      if n == 1 then reply = id elseif n == 2 then reply = {'ok', reply, id} else reply[n + 1] = id end
    end
    ki = ki + 1 + count
    ai = ai + 1 + count
  end
  -- A record that existed (acks that came first, or one of the earlier layout) is counted up now.
  if value ~= false then tally(dedup, value, n, true) end
  return reply
end
-- The delivery name of a dedup record's key ('${KEY_PREFIX}{user}:dd:device:message id' → 'user:device:message id').
local function nameOfKey(key)
  local user, device, id = string.match(key, '{([^}]*)}:dd:([^:]*):(.*)$')
  return user .. ':' .. device .. ':' .. id
end
-- Adds, per stream entry, its delivery name (or its dedup record's key, when keyed) to out. Returns the last one's
-- name. An entry is one field named by its head 'user:device:message id:sent at' (mailbox-entry.ts); one of the
-- earlier layout has a field per part (and, from relays from b0fedc1 on, a field x, which is not read).
local function tagged(entries, out, keyed)
  local name
  for _, entry in ipairs(entries) do
    local fields, m, u, d = entry[2], nil, nil, nil
    if #fields == 2 then
      u, d, m = string.match(fields[1], '^([^:]*):([^:]*):([^:]*):')
    else
      for i = 1, #fields, 2 do
        local field = fields[i]
        if field == 'm' then m = fields[i + 1] elseif field == 'u' then u = fields[i + 1] elseif field == 'd' then d = fields[i + 1] end
      end
    end
    name = u .. ':' .. d .. ':' .. m
    if keyed then out[#out + 1] = '${KEY_PREFIX}{' .. u .. '}:dd:' .. d .. ':' .. m else out[#out + 1] = name end
  end
  return name
end
-- The ack (KEYS at k, its ARGV from a + 1 on, to e): adds to out the tag of each delivery it deleted (see tagged()).
local function ack(k, a, e, keyed, out)
  local mailbox = c[k + 1]
  local index = indexed and indexOf(mailbox)
  local through, pushed = c[a + 1], c[a + 2]
  -- The deliveries the relay pushed and tags: deleted by id, never read. A chunk of them counts only if every one
  -- was still there (XDEL says how many it deleted, not which): else the records of that chunk are counted down by
  -- none of them, and expire at their ceiling rather than too early.
  for first = 1, pushed, 256 do
    local last = math.min(pushed, first + 255)
    if redis.call('XDEL', mailbox, unpack(c, a + 2 + first, a + 2 + last)) == last - first + 1 then
      for i = a + 2 + pushed + first, a + 2 + pushed + last do out[#out + 1] = c[i] end
    end
    if indexed and redis.call('EXISTS', index) == 1 then
      local names = {}
      for i = a + 2 + pushed + first, a + 2 + pushed + last do
        if keyed then names[#names + 1] = nameOfKey(c[i]) else names[#names + 1] = c[i] end
      end
      redis.call('ZREM', index, unpack(names))
    end
  end
  -- Deliveries up to through the relay did not name (pushed before, and acked then in a commit that failed; or acked
  -- by a relay that names none): read, to learn their names, then trimmed.
  if through ~= '0-0' and #redis.call('XRANGE', mailbox, '-', through, 'COUNT', 1) > 0 then
    local from = '-'
    repeat
      -- In pages, so that the payloads of a long backlog are not all held at once.
      local entries = redis.call('XRANGE', mailbox, from, through, 'COUNT', 256)
      tagged(entries, out, keyed)
      if #entries < 256 then break end
      from = '(' .. entries[#entries][1]
    until false
    local seq = tonumber(string.sub(through, 3))
    if indexed then redis.call('ZREMRANGEBYSCORE', index, '-inf', seq) end
    redis.call('XTRIM', mailbox, 'MINID', '0-' .. (seq + 1))
  end
  for i = a + 3 + 2 * pushed, e do
    local entries = redis.call('XRANGE', mailbox, c[i], c[i])
    if #entries > 0 then
      local name = tagged(entries, out, keyed)
      if indexed then redis.call('ZREM', index, name) end
      redis.call('XDEL', mailbox, c[i])
    end
  end
end
function ops.ack(k, a, e)
  local names = {}
  ack(k, a, e, false, names)
  return names
end
-- Counts a record down by one delivery just acked, in one command when it was its last (the usual case: a
-- one-to-one message): SET to zero with its expiry, GET handing back what it was. Else the count is set right in a
-- second command.
local function countDown(key)
  local old = redis.pcall('SET', key, '0', 'PXAT', expireAt, 'GET')
  if type(old) == 'table' then return settleHash(key, -1, false) end
  if old == '1' then return end
  redis.call('SET', key, tonumber(old or 0) - 1, 'PX', ceiling)
end
function ops.release(k, a, e)
  local keys = {}
  ack(k, a, e, true, keys)
  for i = 1, #keys do countDown(keys[i]) end
  return #keys
end
function ops.settle(k, a, e)
  return tally(c[k + 1], record(c[k + 1]), c[a + 1], c[a + 2] == 1)
end
c = cmsgpack.unpack(ARGV[1])
indexed = c[1] == 1 or redis.call('GET', KEYS[2]) ~= '0'
expireAt, ceiling = c[2], c[3]
local replies, r, i, last = {}, 0, 4, #c
while i <= last do
  local k = i + 2
  local a = k + c[i + 1]
  local e = a + c[i + 2]
  r = r + 1
  replies[r] = ops[c[i]](k, a, e)
  i = e + 1
end
return replies
`);

/**
 * KEYS: devices, signed prekeys, last-resort KEM prekeys, one-time queue, one-time values, KEM queue, KEM values,
 * arrival counter. ARGV: device id, cap, signed prekey JSON or '', last-resort JSON or '', number of one-time
 * pairs, then (id, JSON) pairs of one-time prekeys followed by those of KEM prekeys.
 */
export const PUBLISH_PREKEYS = lua(`
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return {'unknown_device'} end
local cap = tonumber(ARGV[2])
local otkPairs = tonumber(ARGV[5])
local function collect(from, to)
  local order, values = {}, {}
  for i = from, to, 2 do
    local id = ARGV[i]
    if values[id] == nil then order[#order + 1] = id end
    values[id] = ARGV[i + 1]
  end
  return order, values
end
local otkOrder, otkValues = collect(6, 5 + otkPairs * 2)
local kemOrder, kemValues = collect(6 + otkPairs * 2, #ARGV)
local function check(queue, order)
  local held = redis.call('ZCARD', queue)
  local added = 0
  for _, id in ipairs(order) do
    if not redis.call('ZSCORE', queue, id) then added = added + 1 end
  end
  if added > 0 and held + added > cap then return {'cap_exceeded', held, held + added} end
  return nil
end
local refused = check(KEYS[4], otkOrder) or check(KEYS[6], kemOrder)
if refused then return refused end
if ARGV[3] ~= '' then redis.call('HSET', KEYS[2], ARGV[1], ARGV[3]) end
local function put(queue, values, order, valueMap)
  for _, id in ipairs(order) do
    redis.call('ZADD', queue, redis.call('INCR', KEYS[8]), id)
    redis.call('HSET', values, id, valueMap[id])
  end
end
put(KEYS[4], KEYS[5], otkOrder, otkValues)
put(KEYS[6], KEYS[7], kemOrder, kemValues)
if ARGV[4] ~= '' then redis.call('HSET', KEYS[3], ARGV[1], ARGV[4]) end
return {'published', redis.call('ZCARD', KEYS[4]), redis.call('ZCARD', KEYS[6])}
`);

/**
 * KEYS: one-time queue, one-time values, KEM queue, KEM values, last-resort KEM prekeys. ARGV: device id.
 * Consumes the oldest one-time prekey and the oldest one-time KEM prekey (else serves the last-resort one).
 * Returns {one-time JSON or '', one-time left, KEM JSON or '', 1 if the KEM key was consumed, KEM left}.
 */
export const TAKE_PREKEYS = lua(`
local function pop(queue, values)
  local popped = redis.call('ZPOPMIN', queue)
  if #popped == 0 then return nil end
  local value = redis.call('HGET', values, popped[1])
  redis.call('HDEL', values, popped[1])
  return value
end
local otk = pop(KEYS[1], KEYS[2])
local kem = pop(KEYS[3], KEYS[4])
local consumed = 1
if not kem then
  kem = redis.call('HGET', KEYS[5], ARGV[1])
  consumed = 0
end
return {otk or '', redis.call('ZCARD', KEYS[1]), kem or '', consumed, redis.call('ZCARD', KEYS[3])}
`);
