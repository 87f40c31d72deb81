// The renderer's picture of an attachment record: display facts and transfer progress, with the key, digest and
// blob id left out (docs/security.md §17: the renderer never receives key material). A failure goes as its code
// alone: the renderer's string table says it ('attachment.failed').
import type { AttachmentView } from '../../../shared/ipc';
import type { AttachmentRecord } from './store/AttachmentRecords';
import { isExecutable } from './store/sniffType';

export function toView(record: AttachmentRecord): AttachmentView {
  return {
    id: record.id,
    direction: record.direction,
    kind: record.kind,
    contentType: record.contentType,
    fileName: record.fileName,
    size: record.size,
    voiceNote: record.voiceNote,
    width: record.width,
    height: record.height,
    durationMs: record.durationMs,
    blurhash: record.blurhash,
    hasThumbnail: record.thumbnail !== null,
    executable: isExecutable(record.contentType, record.fileName),
    state: record.state,
    transferred: record.transferred,
    total: record.ciphertextSize,
    error: record.error ? { code: record.error.code } : null,
    ...(record.message ? { message: record.message } : {}),
  };
}
