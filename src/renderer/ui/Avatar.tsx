// A round badge: a person's photo when they shared one, else a name's initials in a colour derived from the name
// (the same on every screen).
const HUES = [210, 260, 330, 20, 160, 190, 290, 40];

function hueOf(name: string): number {
  let hash = 0;
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return HUES[hash % HUES.length] ?? 210;
}

function initials(name: string): string {
  const words = name.trim().split(/[\s._-]+/).filter(Boolean);
  const letters = words.length > 1 ? `${[...words[0]!][0]}${[...words[1]!][0]}` : [...name].slice(0, 2).join('');
  return letters.toUpperCase();
}

interface AvatarProps {
  name: string;
  size?: number;
  group?: boolean;
  /** The photo (a data: URL), when there is one. */
  image?: string | null;
}

export function Avatar({ name, size = 40, group = false, image = null }: AvatarProps) {
  return (
    <span
      className={`avatar${group ? ' avatar-group' : ''}`}
      style={{ width: size, height: size, fontSize: size * 0.38, ['--avatar-hue' as string]: hueOf(name) }}
      aria-hidden="true"
    >
      {image ? <img className="avatar-image" src={image} alt="" width={size} height={size} draggable={false} /> : initials(name)}
    </span>
  );
}
