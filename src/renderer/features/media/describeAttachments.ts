// One short line naming a message's files, for the chat list and notifications ("Photo", "Voice message",
// "report.pdf", "3 files"); the caption, when there is one, follows it.
import type { AttachmentView } from '../../../shared/ipc';

type Described = Pick<AttachmentView, 'kind' | 'fileName' | 'voiceNote'>;

function one(attachment: Described): string {
  if (attachment.voiceNote) return 'Voice message';
  switch (attachment.kind) {
    case 'image':
      return 'Photo';
    case 'video':
      return 'Video';
    case 'audio':
      return `Audio: ${attachment.fileName}`;
    case 'file':
      return attachment.fileName;
  }
}

export function describeAttachments(attachments: readonly Described[], caption = ''): string {
  const kinds = new Set(attachments.map((attachment) => attachment.kind));
  const files =
    attachments.length === 1
      ? one(attachments[0]!)
      : kinds.size === 1 && kinds.has('image')
        ? `${attachments.length} photos`
        : `${attachments.length} files`;
  const text = caption.replace(/\s+/g, ' ').trim();
  return text ? `${files} · ${text}` : files;
}
