// A small ICU MessageFormat: `{name}` puts a parameter in, `{name, select, a {…} other {…}}` chooses by its value,
// `{count, plural, one {# file} other {# files}}` by the locale's plural rules (`=0 {…}` for an exact number; `#` is the
// number), and '' is a literal apostrophe. Enough for the string tables in this folder; a translation uses the same
// forms. Written here because the maintained formatters compile messages to code (`new Function`), which the
// renderer's Content-Security-Policy forbids. Braces a message uses must balance; an unknown parameter throws.

export type MessageParams = Readonly<Record<string, string | number>>;

type Part = string | { name: string } | { name: string; kind: 'select' | 'plural'; cases: Map<string, Part[]> };

const cache = new Map<string, Part[]>();

export function formatMessage(locale: string, message: string, params: MessageParams = {}): string {
  let parts = cache.get(message);
  if (!parts) {
    const parser = { text: message, at: 0 };
    parts = parseParts(parser, false);
    if (parser.at !== message.length) throw new SyntaxError(`unbalanced braces in “${message}”`);
    cache.set(message, parts);
  }
  return render(parts, params, new Intl.PluralRules(locale), undefined);
}

function render(parts: readonly Part[], params: MessageParams, plurals: Intl.PluralRules, count: number | undefined): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part === '#' && count !== undefined ? String(count) : part;
      continue;
    }
    const value = params[part.name];
    if (value === undefined) throw new RangeError(`the message needs the parameter “${part.name}”`);
    if (!('kind' in part)) {
      out += String(value);
      continue;
    }
    if (part.kind === 'select') {
      out += render(part.cases.get(String(value)) ?? part.cases.get('other') ?? [], params, plurals, count);
      continue;
    }
    const n = Number(value);
    const chosen = part.cases.get(`=${n}`) ?? part.cases.get(plurals.select(n)) ?? part.cases.get('other') ?? [];
    out += render(chosen, params, plurals, n);
  }
  return out;
}

interface Parser {
  text: string;
  at: number;
}

/** Parts up to the end, or up to the `}` closing a case when `inCase` (left unread). */
function parseParts(parser: Parser, inCase: boolean): Part[] {
  const parts: Part[] = [];
  let literal = '';
  const flush = () => {
    if (literal) parts.push(literal);
    literal = '';
  };
  while (parser.at < parser.text.length) {
    const char = parser.text[parser.at]!;
    if (char === "'" && parser.text[parser.at + 1] === "'") {
      literal += "'";
      parser.at += 2;
    } else if (char === '{') {
      flush();
      parts.push(parseArgument(parser));
    } else if (char === '}') {
      if (!inCase) throw new SyntaxError(`unbalanced braces in “${parser.text}”`);
      break;
    } else if (char === '#' && inCase) {
      flush();
      parts.push('#');
      parser.at += 1;
    } else {
      literal += char;
      parser.at += 1;
    }
  }
  flush();
  return parts;
}

function parseArgument(parser: Parser): Part {
  parser.at += 1; // {
  const header = readUntil(parser, /[,}]/);
  const name = header.trim();
  if (parser.text[parser.at] === '}') {
    parser.at += 1;
    return { name };
  }
  parser.at += 1; // ,
  const kind = readUntil(parser, /[,}]/).trim();
  if ((kind !== 'select' && kind !== 'plural') || parser.text[parser.at] !== ',') throw new SyntaxError(`unsupported argument “${kind}” in “${parser.text}”`);
  parser.at += 1; // ,
  const cases = new Map<string, Part[]>();
  for (;;) {
    const key = readUntil(parser, /[{}]/).trim();
    if (parser.text[parser.at] === '}') {
      parser.at += 1;
      break;
    }
    if (!key) throw new SyntaxError(`a case without a key in “${parser.text}”`);
    parser.at += 1; // {
    cases.set(key, parseParts(parser, true));
    if (parser.text[parser.at] !== '}') throw new SyntaxError(`unbalanced braces in “${parser.text}”`);
    parser.at += 1; // }
  }
  if (!cases.has('other')) throw new SyntaxError(`“${name}” has no “other” case in “${parser.text}”`);
  return { name, kind, cases };
}

function readUntil(parser: Parser, stop: RegExp): string {
  const start = parser.at;
  while (parser.at < parser.text.length && !stop.test(parser.text[parser.at]!)) parser.at += 1;
  if (parser.at >= parser.text.length) throw new SyntaxError(`unbalanced braces in “${parser.text}”`);
  return parser.text.slice(start, parser.at);
}
