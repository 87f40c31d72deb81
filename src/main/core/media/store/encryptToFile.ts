// Encrypts a plaintext stream straight into a local attachment file (the same bytes that are later uploaded), and
// makes the file durable. Plaintext exists only in the stream's buffers; on failure the partial file is removed.
import { createWriteStream } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AttachmentEncryptor, type EncryptedAttachment, type EncryptorOptions } from '../cipher/AttachmentEncryptor';
import { growingFileSink, type FileGrowth } from './growingFile';

export interface EncryptToFileOptions extends EncryptorOptions {
  /** Report the file's growth as it is written, so it can be uploaded at the same time (growingFile.ts). */
  growth?: FileGrowth;
}

export async function encryptToFile(source: Readable, file: string, options: EncryptToFileOptions = {}): Promise<EncryptedAttachment> {
  const encryptor = new AttachmentEncryptor(options);
  try {
    if (options.growth) {
      // The sink syncs the file before it reports the end.
      await pipeline(source, encryptor, growingFileSink(file, options.growth));
    } else {
      await pipeline(source, encryptor, createWriteStream(file, { flags: 'wx', mode: 0o600 }));
      const handle = await open(file, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
  } catch (error) {
    options.growth?.fail(error as Error);
    await rm(file, { force: true });
    throw error;
  }
  return encryptor.result();
}
