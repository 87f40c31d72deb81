// Mentions in group messages are plain text: `@` and a member's username (usernames are unique and
// case-insensitive), so every Parley version shows them and nothing new crosses the wire. These find them in a
// text: an `@` at the start or after a space or punctuation (not inside `bob@example.org`), then a username. A
// sentence's full stop after it is not part of it (`@bob.` mentions bob when there is no user `bob.`).

const CANDIDATE = /(?<![\p{L}\p{N}_.@-])@([A-Za-z0-9][A-Za-z0-9_.-]{2,31})/gu;
const TRAILING = /[._-]$/;

export interface Mention {
  /** Where `@name` starts and ends in the text (UTF-16 offsets, `@` included). */
  start: number;
  end: number;
  /** As written, without the `@`. */
  username: string;
}

/** The mentions of known users in a text; `isKnown` gets a lower-cased username. */
export function findMentions(text: string, isKnown: (username: string) => boolean): Mention[] {
  const found: Mention[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    let name = match[1] ?? '';
    while (name.length >= 3 && !isKnown(name.toLowerCase()) && TRAILING.test(name)) name = name.slice(0, -1);
    if (name.length >= 3 && isKnown(name.toLowerCase())) found.push({ start: match.index, end: match.index + 1 + name.length, username: name });
  }
  return found;
}

/** Whether the text mentions this user. */
export function mentionsUser(text: string, username: string): boolean {
  const me = username.toLowerCase();
  return findMentions(text, (name) => name === me).length > 0;
}

/**
 * The mention being typed just before the caret: where its `@` is and what follows it so far (possibly nothing),
 * or null when the caret is not in one.
 */
export function mentionAtCaret(text: string, caret: number): { start: number; query: string } | null {
  const match = /(?<![\p{L}\p{N}_.@-])@([A-Za-z0-9_.-]{0,32})$/u.exec(text.slice(0, caret));
  if (!match) return null;
  return { start: match.index, query: match[1] ?? '' };
}
