// A chosen picture made into a profile photo: the centre square, 256 × 256, as a JPEG small enough to share
// (at most MAX_AVATAR_BYTES). Decoding happens here in the sandboxed renderer; main checks the result again.
import { toBase64 } from '../../../shared/encoding/base64';
import { MAX_AVATAR_BYTES, type AvatarImage } from '../../../shared/ipc';

const SIDE = 256;
const QUALITIES = [0.88, 0.8, 0.7, 0.6, 0.5, 0.4];

export class AvatarImageError extends Error {
  override readonly name = 'AvatarImageError';
}

export async function resizeAvatar(file: Blob): Promise<AvatarImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new AvatarImageError('That file is not a picture Parley can read. Choose a JPEG, PNG or WebP picture.');
  }
  const side = Math.min(bitmap.width, bitmap.height);
  const canvas = new OffscreenCanvas(SIDE, SIDE);
  const context = canvas.getContext('2d');
  if (!context || side === 0) throw new AvatarImageError('That picture could not be used.');
  context.drawImage(bitmap, (bitmap.width - side) / 2, (bitmap.height - side) / 2, side, side, 0, 0, SIDE, SIDE);
  bitmap.close();
  for (const quality of QUALITIES) {
    const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality });
    if (blob.size <= MAX_AVATAR_BYTES) return { type: 'image/jpeg', data: toBase64(new Uint8Array(await blob.arrayBuffer())) };
  }
  throw new AvatarImageError('That picture is too detailed to share as a profile photo. Try another one.');
}
