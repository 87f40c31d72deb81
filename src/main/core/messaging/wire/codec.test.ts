// End-to-end content v2: every kind round-trips; what a newer sender adds is skipped (fields) or kept (kinds);
// only broken content is an error, always a ContentError, whatever the bytes.
import { create, fromBinary, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { BinaryWriter, WireType } from '@bufbuild/protobuf/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../../shared/crypto/bytes';
import type { GroupUpdate } from '../../../../shared/ipc';
import { decodeEnvelope, encodeEnvelope } from './codec';
import { ContentError, frameContent, paddedLength } from './frame';
import { ContentSchema, GroupStateSchema, Receipt_Type, type GroupInvite_JoinAnswer_Outcome } from './gen/content_pb';
import type { Envelope } from './model';

const GROUP = 'AAAAAAAAAAAAAAAAAAAAAA';
const INVITE = 'ZZZZZZZZZZZZZZZZZZZZZw';
const LINK = { inviteId: INVITE, admin: 'alice', device: 2, createdAt: 1_000, expiresAt: 3_600_000, maxUses: 5, approval: true, uses: 1, revoked: true, declined: ['cat'] };
const text = (body: string, extra: Partial<Extract<Envelope, { type: 'message' }>> = {}): Envelope => ({
  type: 'message',
  conversation: { kind: 'dm' },
  messageId: '01HZX3M4J8',
  sentAt: 1_700_000_000_000,
  content: { kind: 'text', body },
  ...extra,
});

const unknownField = (no: number, value: string) => ({ no, wireType: WireType.LengthDelimited, data: new BinaryWriter().string(value).finish() });

/** A content protobuf built field by field, as any (newer or broken) sender could. */
function raw(init: MessageInitShape<typeof ContentSchema>, unknown: ReturnType<typeof unknownField>[] = []): Uint8Array {
  const content = create(ContentSchema, init);
  content.$unknown = unknown;
  return frameContent(toBinary(ContentSchema, content));
}

const direct = { kind: { case: 'direct' as const, value: {} } };
const stamped = { messageId: 'm1', sentAt: 5n, conversation: direct };

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (error instanceof ContentError) return error.code;
    throw error;
  }
}

describe('end-to-end content v2', () => {
  it('round-trips every kind this version sends', () => {
    const envelopes: Envelope[] = [
      text('hello'),
      text('a reply', { content: { kind: 'text', body: 'a reply', quote: { messageId: '01HZX3M4J7', author: 'bob', text: 'the original' } } }),
      text('timed', { content: { kind: 'text', body: 'timed', expireTimerSeconds: 30 } }),
      text('forwarded', { content: { kind: 'text', body: 'forwarded', forwarded: true } }),
      { type: 'message', conversation: { kind: 'dm' }, messageId: 'm6', sentAt: 1, content: { kind: 'reaction', targetMessageId: 'x', targetAuthor: 'bob', emoji: '👍🏽', remove: false } },
      { type: 'message', conversation: { kind: 'group', groupId: GROUP }, messageId: 'm7', sentAt: 1, content: { kind: 'reaction', targetMessageId: 'x', targetAuthor: 'bob', emoji: '🇳🇴', remove: true } },
      { type: 'message', conversation: { kind: 'dm' }, messageId: 'm8', sentAt: 1, content: { kind: 'edit', targetMessageId: 'x', body: 'fixed' } },
      { type: 'message', conversation: { kind: 'dm' }, messageId: 'm9', sentAt: 1, content: { kind: 'delete', targetMessageId: 'x' } },
      { type: 'message', conversation: { kind: 'dm' }, messageId: 'ma', sentAt: 1, content: { kind: 'expiry_timer', seconds: 0 } },
      { type: 'message', conversation: { kind: 'group', groupId: GROUP }, messageId: 'mb', sentAt: 1, content: { kind: 'expiry_timer', seconds: 604_800 } },
      { type: 'message', conversation: { kind: 'group', groupId: GROUP }, messageId: 'm1', sentAt: 1, content: { kind: 'typing', typing: true } },
      { type: 'message', conversation: { kind: 'dm' }, messageId: 'm0', sentAt: 1, content: { kind: 'typing', typing: false } },
      { type: 'message', conversation: { kind: 'dm' }, messageId: 'm2', sentAt: 1, content: { kind: 'receipt', receipt: 'read', messageIds: ['a', 'b'] } },
      { type: 'message', conversation: { kind: 'dm' }, messageId: 'm2', sentAt: 1, content: { kind: 'receipt', receipt: 'delivered', messageIds: ['a'] } },
      {
        type: 'group_update',
        groupId: GROUP,
        messageId: 'm3',
        sentAt: 1,
        update: { kind: 'renamed', by: 'alice', name: 'Club' },
        state: { name: 'Club', members: ['alice', 'bob'], admins: ['alice'], createdBy: 'alice', revision: 2, inviteLinks: [], approveNewMembers: false },
      },
      ...(
        [
          { kind: 'admin_added', by: 'alice', member: 'bob' },
          { kind: 'invite_created', by: 'alice', link: { inviteId: INVITE, device: 2, createdAt: 1_000, expiresAt: 3_600_000, maxUses: 5, approval: true } },
          { kind: 'invite_revoked', by: 'bob', inviteId: INVITE },
          { kind: 'join_declined', by: 'bob', inviteId: INVITE, member: 'cat' },
          { kind: 'approval_changed', by: 'alice', approveNewMembers: true },
          { kind: 'members_added', by: 'bob', members: ['dan'], inviteId: INVITE },
        ] satisfies GroupUpdate[]
      ).map(
        (update): Envelope => ({
          type: 'group_update',
          groupId: GROUP,
          messageId: 'm3a',
          sentAt: 1,
          update,
          state: { name: 'Club', members: ['alice', 'bob', 'dan'], admins: ['alice', 'bob'], createdBy: 'alice', revision: 9, inviteLinks: [LINK], approveNewMembers: true },
        }),
      ),
      {
        type: 'group_update',
        groupId: GROUP,
        messageId: 'm4',
        sentAt: 1,
        update: { kind: 'member_left', by: 'bob' },
        state: { name: 'Club', members: ['alice'], admins: [], createdBy: 'alice', revision: 3, inviteLinks: [], approveNewMembers: false },
      },
      { type: 'sender_key', groupId: GROUP, messageId: 'm5', sentAt: 1, distribution: Uint8Array.of(1, 2, 3) },
      { type: 'group_join_request', groupId: GROUP, messageId: 'm6', sentAt: 1, token: 'T'.repeat(40) },
      { type: 'group_join_request', groupId: GROUP, messageId: 'm6b', sentAt: 1, token: 'T'.repeat(40), forwardedFor: 'cat' },
      ...(['pending_approval', 'declined', 'expired', 'revoked', 'used_up', 'invalid', 'already_member'] as const).map(
        (outcome): Envelope => ({ type: 'group_join_answer', groupId: GROUP, messageId: 'm7', sentAt: 1, outcome }),
      ),
    ];
    for (const envelope of envelopes) expect(decodeEnvelope(encodeEnvelope(envelope))).toEqual(envelope);
  });

  it('refuses an invite link made in the name of someone other than the change’s author, and link terms out of range', () => {
    const group = { kind: { case: 'group' as const, value: { groupId: GROUP } } };
    const change = (link: object) =>
      raw({ messageId: 'm9', sentAt: 5n, conversation: group, body: { case: 'groupUpdate', value: { change: { by: 'bob', kind: { case: 'inviteLinkCreated', value: { link } } }, state: { name: 'Club', members: ['bob'], admins: ['bob'], createdBy: 'bob', revision: 2n } } } });
    const link = { inviteId: INVITE, admin: 'bob', adminDevice: 1, createdAt: 1000n, expiresAt: 5000n, maxUses: 0, approval: false };
    expect(decodeEnvelope(change(link))).toMatchObject({ type: 'group_update', update: { kind: 'invite_created', by: 'bob' } });
    expect(codeOf(() => decodeEnvelope(change({ ...link, admin: 'alice' })))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(change({ ...link, adminDevice: 0 })))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(change({ ...link, inviteId: 'short' })))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(change({ ...link, maxUses: 1001 })))).toBe('malformed_content');
  });

  it('invite messages are sent silent (older readers drop them); an answer this version does not know is dropped too', () => {
    const request = encodeEnvelope({ type: 'group_join_request', groupId: GROUP, messageId: 'm6', sentAt: 1, token: 'T'.repeat(40) });
    const wire = request.subarray(5, 5 + new DataView(request.buffer, request.byteOffset).getUint32(1));
    expect(fromBinary(ContentSchema, wire).silent).toBe(true);
    const group = { kind: { case: 'group' as const, value: { groupId: GROUP } } };
    const newerAnswer = raw({ messageId: 'm8', sentAt: 5n, conversation: group, body: { case: 'groupInvite', value: { kind: { case: 'answer', value: { outcome: 99 as GroupInvite_JoinAnswer_Outcome } } } } });
    expect(decodeEnvelope(newerAnswer)).toMatchObject({ type: 'unsupported', silent: true });
    const emptyInvite = raw({ messageId: 'm8', sentAt: 5n, conversation: group, body: { case: 'groupInvite', value: {} } });
    expect(decodeEnvelope(emptyInvite)).toMatchObject({ type: 'unsupported', silent: true });
  });

  it('a request handed on by an admin names a valid joiner (normalized)', () => {
    const group = { kind: { case: 'group' as const, value: { groupId: GROUP } } };
    const handedOn = (joiner: string) => raw({ messageId: 'm8', sentAt: 5n, conversation: group, body: { case: 'groupInvite', value: { kind: { case: 'request', value: { token: 'T'.repeat(40), joiner } } } } });
    expect(decodeEnvelope(handedOn('Cat'))).toMatchObject({ type: 'group_join_request', forwardedFor: 'cat' });
    expect(decodeEnvelope(handedOn(''))).not.toHaveProperty('forwardedFor');
    expect(codeOf(() => decodeEnvelope(handedOn('not a username!')))).toBe('malformed_content');
  });

  it.each([
    ['a request outside a group', { ...stamped, body: { case: 'groupInvite' as const, value: { kind: { case: 'request' as const, value: { token: 'T'.repeat(40) } } } } }],
    [
      'a request whose token is not a token',
      {
        messageId: 'm1',
        sentAt: 5n,
        conversation: { kind: { case: 'group' as const, value: { groupId: GROUP } } },
        body: { case: 'groupInvite' as const, value: { kind: { case: 'request' as const, value: { token: 'has spaces and is short' } } } },
      },
    ],
  ])('refuses %s as malformed', (_name, init) => {
    expect(codeOf(() => decodeEnvelope(raw(init)))).toBe('malformed_content');
  });

  it('pads to size buckets, so lengths reveal only the bucket', () => {
    expect(encodeEnvelope(text('a')).length).toBe(256);
    expect(encodeEnvelope(text('a'.repeat(200))).length).toBe(256);
    expect(encodeEnvelope(text('a'.repeat(300))).length).toBe(512);
    expect(paddedLength(16 * 1024 + 1)).toBe(32 * 1024);
    expect(paddedLength(40_000)).toBe(48 * 1024);
    const sizes = new Set(Array.from({ length: 400 }, (_, i) => encodeEnvelope(text('x'.repeat(i + 1))).length));
    expect([...sizes]).toEqual([256, 512]);
  });

  it('skips fields it does not know, at any depth', () => {
    const state = create(GroupStateSchema, { name: 'Club', members: ['alice'], admins: ['alice'], createdBy: 'alice', revision: 2n });
    state.$unknown = [unknownField(7, 'an avatar pointer')];
    const bytes = raw(
      {
        ...stamped,
        conversation: { kind: { case: 'group', value: { groupId: GROUP } } },
        body: { case: 'groupUpdate', value: { change: { by: 'alice', kind: { case: 'renamed', value: { name: 'Club' } } }, state } },
      },
      [unknownField(6, 'a group-send endorsement'), unknownField(4000, 'anything')],
    );
    expect(decodeEnvelope(bytes)).toMatchObject({ type: 'group_update', update: { kind: 'renamed', name: 'Club' }, state: { revision: 2 } });
  });

  it('refuses message actions that break their rules as malformed', () => {
    const bodies: MessageInitShape<typeof ContentSchema>['body'][] = [
      { case: 'reaction', value: { targetMessageId: 'x', targetAuthor: 'bob', emoji: '👍👍' } },
      { case: 'reaction', value: { targetMessageId: 'x', targetAuthor: 'bob', emoji: 'a' } },
      { case: 'reaction', value: { targetMessageId: 'x', targetAuthor: '', emoji: '👍' } },
      { case: 'reaction', value: { targetMessageId: '', targetAuthor: 'bob', emoji: '👍' } },
      { case: 'edit', value: { targetMessageId: 'x' } },
      { case: 'edit', value: { targetMessageId: 'x', data: { body: '  ' } } },
      { case: 'delete', value: { targetMessageId: 'not an id!' } },
      { case: 'expiryTimer', value: { seconds: 400 * 24 * 60 * 60 } },
      { case: 'data', value: { body: 'reply', quote: { messageId: 'x', author: '', text: 'q' } } },
      { case: 'data', value: { body: 'reply', quote: { messageId: 'x', author: 'bob', text: 'q'.repeat(201) } } },
    ];
    for (const body of bodies) expect(codeOf(() => decodeEnvelope(raw({ ...stamped, body })))).toBe('malformed_content');
    // Authors are case-insensitive: normalized on the way in.
    const quoted = decodeEnvelope(raw({ ...stamped, body: { case: 'data', value: { body: 'r', quote: { messageId: 'x', author: 'Bob', text: '' } } } }));
    expect(quoted).toMatchObject({ content: { quote: { author: 'bob' } } });
  });

  it('keeps content kinds it cannot show (unknown, or defined for later) with the bytes as received', () => {
    const unknownKind = raw(stamped, [unknownField(33, 'a poll')]);
    expect(decodeEnvelope(unknownKind)).toMatchObject({ type: 'unsupported', messageId: 'm1', sentAt: 5, silent: false, conversation: { kind: 'dm' }, version: 2 });
    const later: MessageInitShape<typeof ContentSchema>['body'][] = [
      { case: 'edit' as const, value: { targetMessageId: 'x', data: { body: 'with a file', attachments: [{ id: 'blob', size: 10n, contentType: 'image/png' }] } } },
    ];
    for (const body of later) {
      expect(decodeEnvelope(raw({ ...stamped, body }))).toMatchObject({ type: 'unsupported', silent: false });
    }
    // A conversation kind from the future: kept, shown with the sender.
    const newConversation = create(ContentSchema, { ...stamped, conversation: {}, body: { case: 'data', value: { body: 'hi' } } });
    newConversation.conversation!.$unknown = [unknownField(3, 'a channel')];
    expect(decodeEnvelope(frameContent(toBinary(ContentSchema, newConversation)))).toMatchObject({ type: 'unsupported', conversation: undefined });
    // The kept bytes are exactly the protobuf inside the frame.
    const kept = decodeEnvelope(unknownKind);
    if (kept.type !== 'unsupported') throw new Error('expected unsupported');
    expect(frameContent(kept.wire)).toEqual(unknownKind);
  });

  it('round-trips a sent-message transcript for a direct chat and a group; drops sync kinds it does not act on', () => {
    const message = { type: 'message' as const, conversation: { kind: 'dm' as const }, messageId: 'm9', sentAt: 7, content: { kind: 'text' as const, body: 'hi' } };
    const dm = decodeEnvelope(encodeEnvelope({ type: 'sync_sent', messageId: 's1', sentAt: 8, recipient: 'Bob', message }));
    expect(dm).toEqual({ type: 'sync_sent', messageId: 's1', sentAt: 8, recipient: 'bob', message });
    const group = { ...message, conversation: { kind: 'group' as const, groupId: 'AAAAAAAAAAAAAAAAAAAAAA' } };
    expect(decodeEnvelope(encodeEnvelope({ type: 'sync_sent', messageId: 's2', sentAt: 8, recipient: undefined, message: group }))).toMatchObject({
      type: 'sync_sent',
      recipient: undefined,
      message: group,
    });
    expect(decodeEnvelope(raw({ ...stamped, body: { case: 'sync' as const, value: {} } }))).toMatchObject({ type: 'unsupported', silent: true });
  });

  it('round-trips what was read on another device, for a direct chat and a group; one conversation per read sync', () => {
    const dm = { type: 'sync_read' as const, messageId: 'r1', sentAt: 9, conversation: { kind: 'dm' as const, peer: 'bob' }, messages: [{ author: 'bob', messageId: 'm1' }, { author: 'bob', messageId: 'm2' }] };
    expect(decodeEnvelope(encodeEnvelope(dm))).toEqual(dm);
    const group = { type: 'sync_read' as const, messageId: 'r2', sentAt: 9, conversation: { kind: 'group' as const, groupId: 'AAAAAAAAAAAAAAAAAAAAAA' }, messages: [{ author: 'carol', messageId: 'm3' }, { author: undefined, messageId: 'm4' }] };
    expect(decodeEnvelope(encodeEnvelope(group))).toEqual(group);
    const read = (messages: { author: string; messageId: string; groupId: string }[]) => raw({ ...stamped, silent: true, body: { case: 'sync' as const, value: { kind: { case: 'read' as const, value: { messages } } } } });
    expect(codeOf(() => decodeEnvelope(read([])))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(read([{ author: 'bob', messageId: 'm1', groupId: '' }, { author: 'carol', messageId: 'm2', groupId: '' }])))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(read([{ author: 'bob', messageId: 'm1', groupId: '' }, { author: 'bob', messageId: 'm2', groupId: 'AAAAAAAAAAAAAAAAAAAAAA' }])))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(read([{ author: '', messageId: 'm1', groupId: '' }])))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(read(Array.from({ length: 501 }, (_, i) => ({ author: 'bob', messageId: `m${i}`, groupId: '' })))))).toBe('malformed_content');
  });

  it('round-trips a contact verified (or cleared) on another device, with the 32-byte key compared', () => {
    const verified = { type: 'sync_verified' as const, messageId: 'v1', sentAt: 9, user: 'bob', identityKey: new Uint8Array(32).fill(7), verified: true };
    expect(decodeEnvelope(encodeEnvelope(verified))).toEqual(verified);
    expect(decodeEnvelope(encodeEnvelope({ ...verified, verified: false }))).toEqual({ ...verified, verified: false });
    expect(codeOf(() => decodeEnvelope(encodeEnvelope({ ...verified, identityKey: new Uint8Array(31) })))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(encodeEnvelope({ ...verified, user: 'not a name!' })))).toBe('malformed_content');
  });

  it('round-trips a contact added, blocked or unblocked on another device; an unknown block state changes nothing', () => {
    const added = { type: 'sync_contact' as const, messageId: 'c1', sentAt: 9, user: 'bob', added: true };
    expect(decodeEnvelope(encodeEnvelope(added))).toEqual(added);
    expect(decodeEnvelope(encodeEnvelope({ ...added, added: false, blocked: true }))).toEqual({ ...added, added: false, blocked: true });
    expect(decodeEnvelope(encodeEnvelope({ ...added, added: false, blocked: false }))).toEqual({ ...added, added: false, blocked: false });
    expect(codeOf(() => decodeEnvelope(encodeEnvelope({ ...added, user: 'not a name!' })))).toBe('malformed_content');
    const unknownBlock = raw({ ...stamped, silent: true, body: { case: 'sync', value: { kind: { case: 'contact', value: { user: 'bob', added: false, block: 7 as never } } } } });
    expect(decodeEnvelope(unknownBlock)).toEqual({ type: 'sync_contact', messageId: 'm1', sentAt: 5, user: 'bob', added: false });
  });

  it('round-trips a changed key accepted on another device, with the 32-byte key accepted', () => {
    const accepted = { type: 'sync_identity_accepted' as const, messageId: 'k1', sentAt: 9, user: 'bob', identityKey: new Uint8Array(32).fill(3) };
    expect(decodeEnvelope(encodeEnvelope(accepted))).toEqual(accepted);
    expect(codeOf(() => decodeEnvelope(encodeEnvelope({ ...accepted, identityKey: new Uint8Array(33) })))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(encodeEnvelope({ ...accepted, user: 'not a name!' })))).toBe('malformed_content');
  });

  it('round-trips own messages another device will not send, in a direct conversation or a group; refuses a notice naming no conversation, two, or no ids', () => {
    const unsent = { type: 'sync_unsent' as const, messageId: 'u1', sentAt: 9, conversation: { kind: 'dm' as const, peer: 'bob' }, messageIds: ['m1', 'm2'], reason: 'failed' as const };
    expect(decodeEnvelope(encodeEnvelope(unsent))).toEqual(unsent);
    const inGroup = { ...unsent, conversation: { kind: 'group' as const, groupId: 'AAAAAAAAAAAAAAAAAAAAAA' }, reason: 'deleted' as const };
    expect(decodeEnvelope(encodeEnvelope(inGroup))).toEqual(inGroup);
    const sync = (value: { recipient: string; groupId: string; messageIds: string[]; reason: number }) =>
      raw({ ...stamped, silent: true, body: { case: 'sync', value: { kind: { case: 'unsent', value: value as never } } } });
    expect(codeOf(() => decodeEnvelope(sync({ recipient: '', groupId: '', messageIds: ['m1'], reason: 1 })))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(sync({ recipient: 'bob', groupId: 'AAAAAAAAAAAAAAAAAAAAAA', messageIds: ['m1'], reason: 1 })))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(sync({ recipient: 'bob', groupId: '', messageIds: [], reason: 1 })))).toBe('malformed_content');
    expect(codeOf(() => decodeEnvelope(sync({ recipient: 'bob', groupId: '', messageIds: Array.from({ length: 501 }, (_, i) => `m${i}`), reason: 1 })))).toBe('malformed_content');
    // A reason this version does not know: not sent from there all the same.
    expect(decodeEnvelope(sync({ recipient: 'bob', groupId: '', messageIds: ['m1'], reason: 9 }))).toMatchObject({ type: 'sync_unsent', reason: 'failed' });
  });

  it('says when the sender marked unknown content silent, and drops receipt types it does not know', () => {
    expect(decodeEnvelope(raw({ ...stamped, silent: true }, [unknownField(34, 'x')]))).toMatchObject({ type: 'unsupported', silent: true });
    expect(decodeEnvelope(raw({ ...stamped, body: { case: 'receipt', value: { type: 3 as Receipt_Type, messageIds: ['a'] } } }))).toMatchObject({
      type: 'unsupported',
      silent: true,
    });
  });

  it('tells a newer frame version from broken content', () => {
    expect(codeOf(() => decodeEnvelope(Uint8Array.of(3, 0, 0, 0, 0)))).toBe('newer_content_version');
    expect(codeOf(() => decodeEnvelope(Uint8Array.of(1, 0, 0, 0, 0)))).toBe('malformed_content');
  });

  it('rejects broken content with a typed error', () => {
    const broken: Uint8Array[] = [
      new Uint8Array(0),
      new Uint8Array(256),
      frameContent(Uint8Array.of(0xff, 0xff, 0xff)),
      new ByteWriter().u8(2).u32(10).bytes(new Uint8Array(3)).finish(),
      (() => {
        const framed = encodeEnvelope(text('x'));
        framed[framed.length - 1] = 1; // padding that is not zeros
        return framed;
      })(),
      raw({ sentAt: 5n, conversation: direct, body: { case: 'data', value: { body: 'no id' } } }),
      raw({ ...stamped, messageId: 'has space', body: { case: 'data', value: { body: 'x' } } }),
      raw({ ...stamped, sentAt: 0n, body: { case: 'data', value: { body: 'x' } } }),
      raw({ ...stamped, sentAt: 2n ** 60n, body: { case: 'data', value: { body: 'x' } } }),
      raw({ messageId: 'm1', sentAt: 5n, body: { case: 'data', value: { body: 'no conversation' } } }),
      raw({ ...stamped, body: { case: 'data', value: { body: '  ' } } }),
      raw({ ...stamped, body: { case: 'data', value: { body: 'x'.repeat(16_001) } } }),
      raw({ ...stamped, conversation: { kind: { case: 'group', value: { groupId: 'short' } } }, body: { case: 'data', value: { body: 'x' } } }),
      raw({ ...stamped, body: { case: 'receipt', value: { type: Receipt_Type.READ, messageIds: [] } } }),
      raw({ ...stamped, body: { case: 'groupUpdate', value: { change: { by: 'al', kind: { case: 'memberLeft', value: {} } } } } }),
      raw({ ...stamped, body: { case: 'senderKey', value: { distribution: Uint8Array.of(1) } } }),
      raw({ ...stamped, conversation: { kind: { case: 'group', value: { groupId: GROUP } } }, body: { case: 'senderKey', value: {} } }),
      raw({
        ...stamped,
        conversation: { kind: { case: 'group', value: { groupId: GROUP } } },
        body: {
          case: 'groupUpdate',
          value: { change: { by: 'alice', kind: { case: 'renamed', value: { name: 'Club' } } }, state: { name: 'Club', members: [], createdBy: 'alice', revision: 1n } },
        },
      }),
    ];
    for (const bytes of broken) expect(codeOf(() => decodeEnvelope(bytes))).toBe('malformed_content');
  });

  it('never throws anything but a ContentError, for any bytes or any damage to valid content', () => {
    const valid = encodeEnvelope(text('hello'));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, at, mask) => {
        codeOf(() => decodeEnvelope(bytes));
        codeOf(() => decodeEnvelope(frameContent(bytes)));
        const damaged = valid.slice();
        damaged[at % damaged.length]! ^= mask;
        codeOf(() => decodeEnvelope(damaged));
      }),
      { numRuns: 500 },
    );
  });
});
