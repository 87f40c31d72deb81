// Deleted and expired messages take their files with them: main is told which messages are gone and deletes their
// encrypted files and keys (media.forgetMessages, docs/security.md §17). Messages without files cost main a lookup.
import { MAX_FORGET_MESSAGES, type AttachmentMessage } from '../../../shared/ipc';
import { invoke } from '../../ipc';

export async function forgetFilesOf(messages: readonly AttachmentMessage[]): Promise<void> {
  for (let start = 0; start < messages.length; start += MAX_FORGET_MESSAGES) {
    await invoke('media.forgetMessages', { messages: messages.slice(start, start + MAX_FORGET_MESSAGES) });
  }
}
