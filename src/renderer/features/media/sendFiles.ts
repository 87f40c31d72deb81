// Sending what is in a chat's preview tray: one message with every ready file and the composer's text as its
// caption. Files still being prepared hold the send back (with a hint); files that failed must be removed first.
import { queueMediaMessage } from '../../db/outgoing';
import { requireSession } from '../../store/session';
import { usePendingFiles } from './pendingFiles';

export function hasPendingFiles(conversationId: string): boolean {
  return (usePendingFiles.getState().byConversation[conversationId]?.length ?? 0) > 0;
}

/** Why the tray cannot be sent as it is, or null. */
export function trayProblem(conversationId: string): string | null {
  const files = usePendingFiles.getState().byConversation[conversationId] ?? [];
  if (files.some((file) => file.state === 'failed')) return 'Remove the files that cannot be sent first.';
  if (files.some((file) => file.state === 'preparing')) return 'One moment — the files are still being prepared.';
  return null;
}

/** Takes the tray's files out of the composer and queues them as one message (the outbox sends it). */
export async function sendPendingFiles(conversationId: string, caption: string): Promise<void> {
  const { db, me, outbox } = requireSession();
  const files = usePendingFiles.getState().take(conversationId);
  const attachments = files.flatMap((file) => (file.view ? [file.view] : []));
  try {
    await queueMediaMessage(db, { conversationId, caption, attachments, me });
  } catch (error) {
    // Not stored, so not sent: the files go back to the tray.
    usePendingFiles.getState().restore(conversationId, files);
    throw error;
  }
  for (const file of files) if (file.previewUrl) URL.revokeObjectURL(file.previewUrl);
  outbox.poke(conversationId);
}
