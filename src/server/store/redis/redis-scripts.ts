// The Lua scripts of the Redis store: every step that must be atomic is one script over keys of one hash tag (one
// slot), so it runs unchanged on Redis Cluster. Scripts are sent by SHA and loaded on a node that lacks them.
import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';

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
 * over keys of one slot; on Redis Cluster a round's operations are grouped by user (script-round.ts). ARGV[1]: the
 * operations packed as MessagePack (string-pack.ts), each an array of its name, its key count, its keys, then its
 * arguments; KEYS[1]: one of those keys, which routes the call on Redis Cluster (every key of a call is in its slot).
 * Returns one reply per operation. Each operation stays atomic on its own (the whole call is, too).
 *
 * - `check` — KEYS: dedup record. Returns 1 when the envelope was stored before (a resend), else 0.
 * - `probe` — KEYS: the user's devices hash, then each recipient device's mailbox stream. ARGV: those device ids.
 *   Returns, per device, -1 when it is unknown, else its pending count.
 * - `append` — appends one envelope to the mailboxes of one user's recipient devices, all or none, each under the next
 *   seq of its stream (`XADD 0-*`: the stream remembers the last id it gave, also once trimmed), with an entry per
 *   device in its mailbox index (delivery name → seq). KEYS: the user's devices hash, then per device its mailbox
 *   stream and mailbox index. ARGV: delivery name, quota, message id, sender user, sender device, sent at, payload,
 *   then the device ids. Idempotent per delivery name: a retried append returns the seq it got the first time.
 *   Returns {'ok', seq per device}, or, writing nothing, {'unknown', indexes} (1-based) of unknown devices or
 *   {'full', indexes} of mailboxes at their quota.
 * - `undo` — KEYS: mailbox stream, mailbox index. ARGV: delivery name. Takes back an append of a refused envelope.
 * - `put` — the whole store of an envelope in one step, for a single Redis without WAIT, where keys of several users
 *   may meet in one call: a resend is answered from the dedup record; otherwise the envelope is appended to every
 *   recipient's mailbox (all or none: it refuses an unknown device or a full mailbox) and its dedup record marked
 *   stored, atomically. Nothing it does is left half done for a retry to find, so it writes no mailbox index: its
 *   entries carry the field `x` (no index entry). It reads an index only where one exists (`EXISTS`): there, an
 *   append of an unfinished saga (`append`) may already hold the envelope, whose seq it then takes. KEYS: the dedup
 *   record, then per recipient user its devices hash and, per device, its mailbox stream and mailbox index. ARGV: the
 *   record's expire-at and safety TTL (as `settle`), delivery name, quota, message id, sender user, sender device,
 *   sent at, payload, then per user its device count and device ids. Returns {'duplicate'}, {'ok', seq per device},
 *   or, writing nothing, {'unknown' | 'full', indexes} (1-based, over the devices in ARGV order).
 * - `ack` — KEYS: mailbox stream, mailbox index. ARGV: through, the number of pushed deliveries, then per pushed
 *   delivery its seq and name (what the relay pushed and the ack freed: MailboxAck.pushed), then the listed seqs above
 *   through that are not among them. Deletes those deliveries (and the index entries of those that have one) and
 *   returns their names: a pushed one's as given (deleted by id, not read), any other's read from its stream entry
 *   (a delivery already gone is no error).
 * - `release` — `ack`, then the count-down (`settle`) of the dedup record of each delivery it deleted, in one step: for a
 *   single Redis, where those records (in their senders' slots) may share the call. KEYS: as `ack`. ARGV: the key
 *   prefix (the dedup record's key is redis-keys.ts's), the records' expire-at and safety TTL (as `settle`), then as
 *   `ack`. Returns how many deliveries it deleted.
 * - `settle` — KEYS: dedup record. ARGV: deliveries made (positive when an envelope is stored, negative when
 *   deliveries of it are acked), 1 when this is the store of the envelope, expire-at (ms) once the last delivery is
 *   acked, the safety TTL (ms) of a record whose deliveries are pending. Stored and acked can arrive in either order.
 *
 * A dedup record is one counter: the deliveries of its envelope not yet acked. The store of the envelope counts it up
 * by its deliveries (usually creating it), acks count it down; acks that come before the store leave it below zero.
 * So it is zero or more exactly when the envelope is stored. `put` checks and marks it in one command (`SET NX GET`,
 * before it appends; taken back if it refuses); `release` counts it down in one command when the acked deliveries are
 * its last (`SET 0 PXAT GET`), else in a second; `settle` reads it (`GET`), then writes it once (`SET` with `PXAT`
 * expire-at when it reaches zero, `PX` ceiling below zero or when new, else `KEEPTTL`).
 * Records written before this layout are hashes {done, left}: they are read and counted down as such until they
 * expire.
 */
export const MAILBOX_OPS = lua(`
local ops = {}
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
local function settleHash(key, deliveries, store, expireAt, ceiling)
  local left = redis.call('HINCRBY', key, 'left', deliveries)
  local done = store
  if done then redis.call('HSET', key, 'done', '1') elseif left <= 0 then done = redis.call('HGET', key, 'done') == '1' end
  if left <= 0 and done then redis.call('PEXPIREAT', key, expireAt) else redis.call('PEXPIRE', key, ceiling) end
  return left
end
-- Counts a record (as record() read it) up by the deliveries of its stored envelope, or down by acked ones, in one
-- write: at zero it expires at expireAt; below zero (acks before the store) and while new, after the ceiling.
local function count(key, value, deliveries, store, expireAt, ceiling)
  if value == 'hash' then return settleHash(key, deliveries, store, expireAt, ceiling) end
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
function ops.check(KEYS, ARGV)
  if stored(KEYS[1], record(KEYS[1])) then return 1 end
  return 0
end
function ops.probe(KEYS, ARGV)
  local counts = {}
  for i = 1, #ARGV do
    if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 0 then counts[i] = -1 else counts[i] = redis.call('XLEN', KEYS[i + 1]) end
  end
  return counts
end
function ops.append(KEYS, ARGV)
  local devices = #ARGV - 7
  local unknown = {}
  for i = 1, devices do
    if redis.call('HEXISTS', KEYS[1], ARGV[7 + i]) == 0 then unknown[#unknown + 1] = i end
  end
  if #unknown > 0 then return {'unknown', unpack(unknown)} end
  local seqs, full = {}, {}
  for i = 1, devices do
    local existing = redis.call('ZSCORE', KEYS[2 * i + 1], ARGV[1])
    if existing then
      seqs[i] = tonumber(existing)
    elseif redis.call('XLEN', KEYS[2 * i]) >= tonumber(ARGV[2]) then
      full[#full + 1] = i
    end
  end
  if #full > 0 then return {'full', unpack(full)} end
  for i = 1, devices do
    if not seqs[i] then
      local id = redis.call('XADD', KEYS[2 * i], '0-*', 'm', ARGV[3], 'u', ARGV[4], 'd', ARGV[5], 't', ARGV[6], 'p', ARGV[7])
      local seq = tonumber(string.sub(id, 3))
      redis.call('ZADD', KEYS[2 * i + 1], seq, ARGV[1])
      seqs[i] = seq
    end
  end
  return {'ok', unpack(seqs)}
end
function ops.undo(KEYS, ARGV)
  local seq = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if not seq then return 0 end
  redis.call('XDEL', KEYS[1], '0-' .. seq)
  redis.call('ZREM', KEYS[2], ARGV[1])
  return 1
end
function ops.put(KEYS, ARGV)
  local mailboxes, indexes, unknown = {}, {}, {}
  local k, a = 2, 10
  while a <= #ARGV do
    local count = tonumber(ARGV[a])
    for i = 1, count do
      mailboxes[#mailboxes + 1] = KEYS[k + 2 * i - 1]
      indexes[#indexes + 1] = KEYS[k + 2 * i]
      if redis.call('HEXISTS', KEYS[k], ARGV[a + i]) == 0 then unknown[#unknown + 1] = #mailboxes end
    end
    k = k + 1 + 2 * count
    a = a + 1 + count
  end
  local quota, seqs, full = tonumber(ARGV[4]), {}, {}
  if #unknown == 0 then
    for i = 1, #mailboxes do
      -- An append of a saga (another relay's, with WAIT or of an earlier version) that died before its marking.
      if redis.call('EXISTS', indexes[i]) == 1 then seqs[i] = tonumber(redis.call('ZSCORE', indexes[i], ARGV[3])) end
      if not seqs[i] and redis.call('XLEN', mailboxes[i]) >= quota then full[#full + 1] = i end
    end
  end
  -- The resend check and the marking in one command: SET NX creates the record (awaiting every delivery) unless one
  -- exists, and GET hands back the one that does. A resend is a duplicate whatever its recipients now are.
  local old = redis.pcall('SET', KEYS[1], #mailboxes, 'NX', 'PX', ARGV[2], 'GET')
  local value = false
  if type(old) == 'table' then value = 'hash' elseif old then value = tonumber(old) end
  if stored(KEYS[1], value) then return {'duplicate'} end
  if #unknown > 0 or #full > 0 then
    if value == false then redis.call('DEL', KEYS[1]) end
    if #unknown > 0 then return {'unknown', unpack(unknown)} end
    return {'full', unpack(full)}
  end
  for i = 1, #mailboxes do
    if not seqs[i] then
      local id = redis.pcall('XADD', mailboxes[i], '0-*', 'm', ARGV[5], 'u', ARGV[6], 'd', ARGV[7], 't', ARGV[8], 'p', ARGV[9], 'x', '1')
      if type(id) == 'table' then
        -- Not stored: no record says it was (appends already made come again on a resend, as with any saga).
        if value == false then redis.call('DEL', KEYS[1]) end
        error(id)
      end
      seqs[i] = tonumber(string.sub(id, 3))
    end
  end
  -- A record that existed (acks that came first, or one of the earlier layout) is counted up now.
  if value ~= false then count(KEYS[1], value, #mailboxes, true, ARGV[1], ARGV[2]) end
  return {'ok', unpack(seqs)}
end
-- Adds the delivery names of stream entries to names; returns whether any of them has a mailbox index entry.
local function named(entries, names)
  local indexed = false
  for _, entry in ipairs(entries) do
    local fields, m, u, d, x = entry[2], nil, nil, nil, false
    for i = 1, #fields, 2 do
      local field = fields[i]
      if field == 'm' then m = fields[i + 1] elseif field == 'u' then u = fields[i + 1] elseif field == 'd' then d = fields[i + 1] elseif field == 'x' then x = true end
    end
    names[#names + 1] = u .. ':' .. d .. ':' .. m
    if not x then indexed = true end
  end
  return indexed
end
-- The ack, over ARGV from o + 1 on (release puts its own arguments first).
local function ack(KEYS, ARGV, o)
  local names = {}
  local through, pushed = tonumber(ARGV[o + 1]), tonumber(ARGV[o + 2])
  -- The deliveries the relay pushed and names: deleted by id, never read. A chunk of them counts only if every one
  -- was still there (XDEL says how many it deleted, not which): else the records of that chunk are counted down by
  -- none of them, and expire at their ceiling rather than too early.
  for first = 1, pushed, 256 do
    local last = math.min(pushed, first + 255)
    local ids, known = {}, {}
    for i = first, last do
      ids[#ids + 1] = '0-' .. ARGV[o + 1 + 2 * i]
      known[#known + 1] = ARGV[o + 2 + 2 * i]
    end
    if redis.call('XDEL', KEYS[1], unpack(ids)) == #ids then
      for _, name in ipairs(known) do names[#names + 1] = name end
    end
    if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('ZREM', KEYS[2], unpack(known)) end
  end
  -- Deliveries up to through the relay did not name (pushed before, and acked then in a commit that failed; or acked
  -- by a relay that names none): read, to learn their names, then trimmed.
  if through > 0 and #redis.call('XRANGE', KEYS[1], '-', '0-' .. through, 'COUNT', 1) > 0 then
    local indexed, from, last = false, '-', '0-' .. through
    repeat
      -- In pages, so that the payloads of a long backlog are not all held at once.
      local entries = redis.call('XRANGE', KEYS[1], from, last, 'COUNT', 256)
      if named(entries, names) then indexed = true end
      if #entries < 256 then break end
      from = '(' .. entries[#entries][1]
    until false
    if indexed then redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', through) end
    redis.call('XTRIM', KEYS[1], 'MINID', '0-' .. (through + 1))
  end
  for i = o + 3 + 2 * pushed, #ARGV do
    local id = '0-' .. ARGV[i]
    local entries = redis.call('XRANGE', KEYS[1], id, id)
    if #entries > 0 then
      if named(entries, names) then redis.call('ZREM', KEYS[2], names[#names]) end
      redis.call('XDEL', KEYS[1], id)
    end
  end
  return names
end
function ops.ack(KEYS, ARGV)
  return ack(KEYS, ARGV, 0)
end
-- Counts a record down by the deliveries of its envelope just acked, in one command when they were its last (the
-- usual case: a one-to-one message): SET to zero with its expiry, GET handing back what it was. Else the count is
-- set right in a second command.
local function countDown(key, acked, expireAt, ceiling)
  local old = redis.pcall('SET', key, 0, 'PXAT', expireAt, 'GET')
  if type(old) == 'table' then return settleHash(key, -acked, false, expireAt, ceiling) end
  local before = tonumber(old or 0)
  if old and before == acked then return 0 end
  local left = before - acked
  redis.call('SET', key, left, 'PX', ceiling)
  return left
end
function ops.release(KEYS, ARGV)
  local names = ack(KEYS, ARGV, 3)
  local order, counts = {}, {}
  for _, name in ipairs(names) do
    if not counts[name] then order[#order + 1] = name end
    counts[name] = (counts[name] or 0) + 1
  end
  for _, name in ipairs(order) do
    local user, device, id = string.match(name, '^([^:]+):([^:]+):(.+)$')
    countDown(ARGV[1] .. '{' .. user .. '}:dd:' .. device .. ':' .. id, counts[name], ARGV[2], ARGV[3])
  end
  return #names
end
function ops.settle(KEYS, ARGV)
  return count(KEYS[1], record(KEYS[1]), tonumber(ARGV[1]), ARGV[2] == '1', ARGV[3], ARGV[4])
end
local calls = cmsgpack.unpack(ARGV[1])
local replies = {}
for c = 1, #calls do
  local call = calls[c]
  local keyCount = tonumber(call[2])
  local keys, args = {}, {}
  for i = 1, keyCount do keys[i] = call[2 + i] end
  for i = 3 + keyCount, #call do args[i - 2 - keyCount] = call[i] end
  replies[c] = ops[call[1]](keys, args)
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
