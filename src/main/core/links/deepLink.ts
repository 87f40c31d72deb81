// The one allow-list parser for parley:// links. Every link is hostile — it may come from a web page, another
// program's command line or a message — so only the exact shapes in ROUTES are accepted, each argument checked
// by its schema; anything else is rejected with a reason and never acted on. Callers get a parsed DeepLink, never
// the link text, so nothing from a link can reach loadURL, shell.openExternal or a command line.
import type { z } from 'zod';
import { DeepLink, GroupId, InviteLinkToken, type DeepLinkRejection } from '../../../shared/ipc';
import { Username, normalizeUsername } from '../../../shared/protocol/fields';

export const DEEP_LINK_SCHEME = 'parley';
/** Longer than any link Parley makes (an invite token is at most 1,024 characters). */
export const MAX_DEEP_LINK_LENGTH = 1100;

export type DeepLinkParse = { ok: true; link: DeepLink } | { ok: false; reason: DeepLinkRejection };

interface Route {
  /** The whole link, with the argument as the one capture group. */
  pattern: RegExp;
  argument: z.ZodType<string>;
  build(argument: string): DeepLink;
}

const ROUTES: Readonly<Record<string, Route>> = Object.freeze({
  chat: {
    pattern: /^parley:\/\/chat\/([^/]+)\/?$/i,
    argument: Username,
    build: (username) => ({ kind: 'chat', username: normalizeUsername(username) }),
  },
  group: {
    pattern: /^parley:\/\/group\/([^/]+)\/?$/i,
    argument: GroupId,
    build: (groupId) => ({ kind: 'group', groupId }),
  },
  add: {
    pattern: /^parley:\/\/add\/([^/]+)\/?$/i,
    argument: Username,
    build: (username) => ({ kind: 'add', username: normalizeUsername(username) }),
  },
  join: {
    pattern: /^parley:\/\/join\/([^/]+)\/?$/i,
    argument: InviteLinkToken,
    build: (token) => ({ kind: 'join', token }),
  },
});

/** `parley://<route>/…` with nothing but visible ASCII, and no query or fragment. */
const LINK_SHAPE = /^parley:\/\/([^/?#]*)(?:\/[^?#]*)?$/i;
const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

export function parseDeepLink(raw: unknown): DeepLinkParse {
  if (typeof raw !== 'string') return reject('malformed');
  if (raw.length > MAX_DEEP_LINK_LENGTH) return reject('too_long');
  if (!VISIBLE_ASCII.test(raw)) return reject('malformed');
  const shape = LINK_SHAPE.exec(raw);
  if (!shape) return reject('malformed');
  const name = shape[1]!.toLowerCase();
  const route = Object.hasOwn(ROUTES, name) ? ROUTES[name] : undefined;
  if (!route) return reject('unknown_route');
  const argument = route.pattern.exec(raw)?.[1];
  if (argument === undefined || !route.argument.safeParse(argument).success) return reject('bad_argument');
  const link = DeepLink.safeParse(route.build(argument));
  return link.success ? { ok: true, link: link.data } : reject('bad_argument');
}

/**
 * The command-line entries that claim to be parley:// links (Windows and Linux pass the link as an argument).
 * Everything else on the command line — the app path, Chromium switches — is not a link and is left alone.
 */
export function deepLinkCandidates(argv: readonly unknown[]): string[] {
  return argv.filter((entry): entry is string => typeof entry === 'string' && entry.slice(0, DEEP_LINK_SCHEME.length + 1).toLowerCase() === `${DEEP_LINK_SCHEME}:`);
}

function reject(reason: DeepLinkRejection): DeepLinkParse {
  return { ok: false, reason };
}
