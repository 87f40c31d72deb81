// What a file is, from its first bytes (file-type's signatures), never from its name: the MIME type the pointer
// carries and the kind the chat shows it as. A voice note is audio whatever container MediaRecorder chose.
// Also decides which types "open" must warn about (programs and scripts that run when opened).
import { fileTypeFromBuffer } from 'file-type';

/** Bytes of the file's start that are enough for every signature file-type knows. */
export const SNIFF_BYTES = 4100;

export type AttachmentKind = 'image' | 'video' | 'audio' | 'file';

export interface SniffedType {
  contentType: string;
  kind: AttachmentKind;
}

/** Images the renderer may decode and show inline; anything else is offered as a file. */
const INLINE_IMAGES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'image/avif', 'image/bmp']);
const PLAYABLE_VIDEO = new Set(['video/mp4', 'video/webm', 'video/ogg', 'video/quicktime']);
const PLAYABLE_AUDIO = new Set(['audio/mpeg', 'audio/ogg', 'audio/opus', 'audio/wav', 'audio/x-wav', 'audio/webm', 'audio/mp4', 'audio/aac', 'audio/flac', 'audio/x-flac', 'audio/x-m4a']);
const VOICE_CONTAINERS = new Map([
  ['video/webm', 'audio/webm'],
  ['audio/webm', 'audio/webm'],
  ['audio/ogg', 'audio/ogg'],
  ['audio/opus', 'audio/ogg'],
  ['video/mp4', 'audio/mp4'],
  ['audio/mp4', 'audio/mp4'],
  ['audio/x-m4a', 'audio/mp4'],
]);

export async function sniffType(head: Uint8Array, options: { voiceNote?: boolean } = {}): Promise<SniffedType> {
  const found = await fileTypeFromBuffer(head);
  const mime = found?.mime ?? 'application/octet-stream';
  if (options.voiceNote) {
    const audio = VOICE_CONTAINERS.get(mime);
    if (audio) return { contentType: audio, kind: 'audio' };
  }
  if (INLINE_IMAGES.has(mime)) return { contentType: mime, kind: 'image' };
  if (PLAYABLE_VIDEO.has(mime)) return { contentType: mime, kind: 'video' };
  if (PLAYABLE_AUDIO.has(mime)) return { contentType: mime, kind: 'audio' };
  return { contentType: mime, kind: 'file' };
}

/** The kind a received pointer's (untrusted) MIME type is shown as; unknown types are plain files. */
export function kindOf(contentType: string): AttachmentKind {
  if (INLINE_IMAGES.has(contentType)) return 'image';
  if (PLAYABLE_VIDEO.has(contentType)) return 'video';
  if (PLAYABLE_AUDIO.has(contentType)) return 'audio';
  return 'file';
}

const EXECUTABLE_TYPES = new Set([
  'application/x-msdownload',
  'application/x-dosexec',
  'application/x-executable',
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-sharedlib',
  'application/vnd.microsoft.portable-executable',
  'application/x-msi',
  'application/vnd.android.package-archive',
  'application/x-apple-diskimage',
  'application/x-sh',
  'application/x-shellscript',
  'application/java-archive',
  'application/x-bat',
]);
const EXECUTABLE_EXTENSIONS = /\.(exe|com|bat|cmd|msi|msp|scr|pif|cpl|ps1|vbs|vbe|js|jse|wsf|wsh|hta|lnk|reg|jar|apk|app|dmg|pkg|sh|bash|command|run|bin|appimage|deb|rpm|desktop|py|pl|rb)$/i;

/** True when opening this file could run code: by its sniffed type or by the name the OS would go by. */
export function isExecutable(contentType: string, fileName: string): boolean {
  return EXECUTABLE_TYPES.has(contentType) || EXECUTABLE_EXTENSIONS.test(fileName.trim());
}

/**
 * A received file name made safe to save: no path, no control or reserved characters, no leading dots, not a
 * Windows device name, at most 120 characters with its extension kept; "attachment" when nothing is left.
 */
export function sanitizeFileName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  let clean = base
    .normalize('NFC')
    // Control characters, characters Windows reserves, and bidirectional overrides that disguise an extension.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f<>:"|?*\u202a-\u202e\u2066-\u2069]/g, '_')
    .replace(/^[.\s]+/, '')
    .replace(/[.\s]+$/, '');
  if (/^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$/i.test(clean)) clean = `_${clean}`;
  if (clean.length > 120) {
    const dot = clean.lastIndexOf('.');
    const extension = dot > 0 && clean.length - dot <= 16 ? clean.slice(dot) : '';
    clean = clean.slice(0, 120 - extension.length) + extension;
  }
  return clean === '' ? 'attachment' : clean;
}
