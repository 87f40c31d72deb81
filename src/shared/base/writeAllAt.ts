// Writes a batch of buffers at a file position in full: one vectored write, then buffer by buffer for whatever a
// short write (rare) left. The file is anything shaped like Node's FileHandle, so this runs anywhere; the relay
// (upload bodies) and main (encrypted local copies) both write through it.

export interface PositionalFile {
  writev(buffers: Uint8Array[], position: number): Promise<{ bytesWritten: number }>;
  write(buffer: Uint8Array, offset: number, length: number, position: number): Promise<{ bytesWritten: number }>;
}

/** Resolves to the position after the last byte written. */
export async function writeAllAt(file: PositionalFile, buffers: Uint8Array[], position: number): Promise<number> {
  let done = (await file.writev(buffers, position)).bytesWritten;
  for (const buffer of buffers) {
    const skip = Math.min(done, buffer.length);
    done -= skip;
    position += skip;
    for (let at = skip; at < buffer.length; ) {
      const { bytesWritten } = await file.write(buffer, at, buffer.length - at, position);
      at += bytesWritten;
      position += bytesWritten;
    }
  }
  return position;
}
