import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeepLink } from '../../../shared/ipc';
import { MAX_DEEP_LINK_LENGTH, deepLinkCandidates, parseDeepLink } from './deepLink';

const GROUP_ID = 'AbCdEfGhIjKlMnOpQrStUv';
const TOKEN = 'a'.repeat(40);

describe('parseDeepLink', () => {
  it.each([
    ['parley://chat/alice', { kind: 'chat', username: 'alice' }],
    ['parley://chat/Alice.B-2/', { kind: 'chat', username: 'alice.b-2' }],
    ['PARLEY://CHAT/Bob', { kind: 'chat', username: 'bob' }],
    [`parley://group/${GROUP_ID}`, { kind: 'group', groupId: GROUP_ID }],
    ['parley://add/carol_99', { kind: 'add', username: 'carol_99' }],
    [`parley://join/${TOKEN}`, { kind: 'join', token: TOKEN }],
  ])('accepts %s', (raw, link) => {
    expect(parseDeepLink(raw)).toEqual({ ok: true, link });
  });

  it.each([
    // Argument injection through a protocol handler (CVE-2018-1000006 style): quotes, spaces, switches.
    ['parley://chat/bob" --gpu-launcher="cmd /c calc', 'malformed'],
    ['parley://chat/bob --inspect=9229', 'malformed'],
    ['parley://chat/--inspect', 'bad_argument'],
    ['parley://chat/bob%20--no-sandbox', 'bad_argument'],
    // Anything that could make a link load or open a URL (Element's CVE-2022-23597 style).
    ['parley://chat/https:%2F%2Fevil.example', 'bad_argument'],
    ['parley://open/https://evil.example', 'unknown_route'],
    ['parley://chat/bob?next=https://evil.example', 'malformed'],
    ['parley://chat/bob#frag', 'malformed'],
    ['parley://chat/bob/extra', 'bad_argument'],
    ['parley://chat/../../etc/passwd', 'bad_argument'],
    ['parley://user:pass@chat/bob', 'unknown_route'],
    ['parley://chat:80/bob', 'unknown_route'],
    ['parley://__proto__/bob', 'unknown_route'],
    ['parley://constructor/bob', 'unknown_route'],
    ['parley://hasOwnProperty/bob', 'unknown_route'],
    ['parley://chat/', 'bad_argument'],
    ['parley://chat', 'bad_argument'],
    ['parley://', 'unknown_route'],
    ['parley:chat/bob', 'malformed'],
    ['parley:///chat/bob', 'unknown_route'],
    ['javascript:alert(1)', 'malformed'],
    ['https://parley.example/chat/bob', 'malformed'],
    ['file:///etc/passwd', 'malformed'],
    ['parley://chat/b\u043eb', 'malformed'],
    ['parley://chat/bob\u0000', 'malformed'],
    ['parley://chat/bob\n', 'malformed'],
    ['parley://group/short', 'bad_argument'],
    ['parley://join/short', 'bad_argument'],
    [`parley://join/${'a'.repeat(MAX_DEEP_LINK_LENGTH)}`, 'too_long'],
    ['', 'malformed'],
  ])('rejects %j as %s', (raw, reason) => {
    expect(parseDeepLink(raw)).toEqual({ ok: false, reason });
  });

  it.each([undefined, null, 42, {}, ['parley://chat/bob'], Symbol('x')])('rejects a non-string %s', (raw) => {
    expect(parseDeepLink(raw)).toEqual({ ok: false, reason: 'malformed' });
  });

  it('never throws, and whatever it accepts is a valid link whose argument was in the text verbatim', () => {
    const linkish = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc
        .tuple(fc.constantFrom('parley://', 'PARLEY://', 'parley:', 'parley:///'), fc.constantFrom('chat/', 'group/', 'add/', 'join/', 'x/', ''), fc.string({ maxLength: 120 }))
        .map((parts) => parts.join('')),
      fc.tuple(fc.constantFrom('chat', 'add'), fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,40}$/)).map(([route, name]) => `parley://${route}/${name}`),
    );
    fc.assert(
      fc.property(linkish, (raw) => {
        const result = parseDeepLink(raw);
        if (!result.ok) return;
        expect(DeepLink.parse(result.link)).toEqual(result.link);
        expect(raw).toMatch(/^[\x21-\x7e]+$/);
        const argument = 'username' in result.link ? result.link.username : 'groupId' in result.link ? result.link.groupId : result.link.token;
        expect(raw.toLowerCase()).toContain(argument.toLowerCase());
      }),
      { numRuns: 2_000 },
    );
  });
});

describe('deepLinkCandidates', () => {
  it('picks the parley: entries of a command line and nothing else', () => {
    const argv = ['/opt/Parley/parley', '--no-sandbox', '.', 'parley://chat/bob', 'PARLEY://add/x', 'https://parley.example', 'parleyx://y', 42];
    expect(deepLinkCandidates(argv)).toEqual(['parley://chat/bob', 'PARLEY://add/x']);
  });

  it('keeps a hostile parley: entry for the parser to reject, rather than guessing', () => {
    expect(deepLinkCandidates(['parley:--inspect'])).toEqual(['parley:--inspect']);
    expect(parseDeepLink('parley:--inspect')).toEqual({ ok: false, reason: 'malformed' });
  });
});
