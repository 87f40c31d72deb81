// Real media files for e2e: a decodable PNG made here, and a short WebM video recorded in the page from a canvas
// (Chromium's own encoder; no binary fixture in the repository).
import { deflateSync, crc32 } from 'node:zlib';
import type { Page } from '@playwright/test';

/** A real, decodable PNG: a colour gradient (so the thumbnail and the full image are visibly a picture). */
export function gradientPng(width = 480, height = 320): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 2, 0, 0, 0], 8);
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    for (let x = 0; x < width; x++) rows.set([Math.round((x / width) * 255), Math.round((y / height) * 200) + 30, 180], row + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), chunk('IHDR', header), chunk('IDAT', deflateSync(rows)), chunk('IEND', Buffer.alloc(0))]);
}

/** The part of a canvas element the recording uses. */
interface Canvas {
  width: number;
  height: number;
  captureStream(fps: number): unknown;
  getContext(kind: '2d'): {
    fillStyle: unknown;
    createLinearGradient(x0: number, y0: number, x1: number, y1: number): { addColorStop(offset: number, color: string): void };
    fillRect(x: number, y: number, width: number, height: number): void;
    beginPath(): void;
    arc(x: number, y: number, radius: number, start: number, end: number): void;
    fill(): void;
  } | null;
}

/** A VP8 WebM of `frames` animation frames (a ball crossing a gradient), recorded by MediaRecorder in `page`. */
export async function canvasWebm(page: Page, frames = 90): Promise<Buffer> {
  const base64 = await page.evaluate(async (count) => {
    // Browser globals the e2e (Node) types do not declare.
    const browser = globalThis as unknown as {
      MediaRecorder: new (stream: unknown, options: { mimeType: string }) => { ondataavailable: (event: { data: Blob }) => void; onstop: () => void; start(): void; stop(): void };
      requestAnimationFrame(callback: () => void): void;
      document: { createElement(tag: 'canvas'): Canvas };
    };
    const canvas = browser.document.createElement('canvas');
    canvas.width = 320;
    canvas.height = 240;
    const context = canvas.getContext('2d')!;
    const recorder = new browser.MediaRecorder(canvas.captureStream(30), { mimeType: 'video/webm;codecs=vp8' });
    const parts: Blob[] = [];
    recorder.ondataavailable = (event) => parts.push(event.data);
    const stopped = new Promise<void>((resolve) => (recorder.onstop = resolve));
    recorder.start();
    for (let frame = 0; frame < count; frame++) {
      const sky = context.createLinearGradient(0, 0, 0, 240);
      sky.addColorStop(0, '#3a6ea5');
      sky.addColorStop(1, '#f4a261');
      context.fillStyle = sky;
      context.fillRect(0, 0, 320, 240);
      context.fillStyle = '#fff3b0';
      context.beginPath();
      context.arc(30 + (260 * frame) / count, 120, 24, 0, 2 * Math.PI);
      context.fill();
      await new Promise<void>((resolve) => browser.requestAnimationFrame(resolve));
    }
    recorder.stop();
    await stopped;
    const bytes = new Uint8Array(await new Blob(parts).arrayBuffer());
    let binary = '';
    for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(binary);
  }, frames);
  return Buffer.from(base64, 'base64');
}

/** A mono 16-bit PCM WAV of a soft 440 Hz tone, `seconds` long. */
export function toneWav(seconds: number, rate = 8_000): Buffer {
  const samples = Math.round(seconds * rate);
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0, 'latin1');
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8, 'latin1');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20);
  wav.writeUInt16LE(1, 22);
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'latin1');
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(4_000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 44 + i * 2);
  return wav;
}
