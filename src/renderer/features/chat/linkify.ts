// Finds web and mail links in message text. The renderer never navigates to them: a link is only text plus a
// URL that main checks before the OS browser opens it (links.open).
export type TextSegment = { kind: 'text'; text: string } | { kind: 'link'; text: string; url: string };

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"']+|\bmailto:[^\s<>"']+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?'")\]}>]+$/;

function trimTrailing(candidate: string): string {
  let text = candidate.replace(TRAILING, '');
  // Keep a closing parenthesis that closes one inside the URL (e.g. Wikipedia links).
  const opens = (text.match(/\(/g) ?? []).length;
  const closes = (text.match(/\)/g) ?? []).length;
  if (opens > closes && candidate.slice(text.length).startsWith(')')) text += ')';
  return text;
}

export function linkify(text: string): TextSegment[] {
  const segments: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(LINK)) {
    const start = match.index;
    const linkText = trimTrailing(match[0]);
    if (linkText.length === 0 || /^(https?:\/\/|www\.|mailto:)$/i.test(linkText)) continue;
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    const url = /^www\./i.test(linkText) ? `https://${linkText}` : linkText;
    segments.push({ kind: 'link', text: linkText, url });
    last = start + linkText.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}
