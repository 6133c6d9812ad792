/**
 * Draws the app icon (the design of public/favicon.svg: rounded dark square, blue ring, amber dot) into
 * PNG files for the web app manifest. Pure Node, no dependencies: shapes are rasterised from signed
 * distances (one-pixel anti-aliasing) and encoded with node:zlib. Re-run with `node scripts/make-icons.mjs`.
 */
import { writeFileSync } from 'node:fs';
import { deflateSync, crc32 } from 'node:zlib';

const BACKGROUND = [0x1d, 0x24, 0x33];
const RING = [0x7a, 0xa2, 0xf7];
const DOT = [0xe0, 0xaf, 0x68];

/** The favicon's geometry on its 64-unit canvas. */
const VIEW = 64;
const CORNER = 14;
const RING_RADIUS = 18;
const RING_WIDTH = 6;
const DOT_RADIUS = 6;

function roundedRectDistance(x, y, half, radius) {
  const qx = Math.abs(x) - (half - radius);
  const qy = Math.abs(y) - (half - radius);
  const outside = Math.hypot(Math.max(qx, 0), Math.max(qy, 0));
  return outside + Math.min(Math.max(qx, qy), 0) - radius;
}

/** Coverage of a pixel by a shape whose signed distance (in pixels) at the pixel centre is `d`. */
function coverage(d) {
  return Math.min(1, Math.max(0, 0.5 - d));
}

/** Source-over compositing of a straight-alpha colour onto a straight-alpha pixel. */
function over(px, rgb, a) {
  const outA = a + px[3] * (1 - a);
  if (outA === 0) return;
  for (let i = 0; i < 3; i++) px[i] = (rgb[i] * a + px[i] * px[3] * (1 - a)) / outA;
  px[3] = outA;
}

/**
 * `fullBleed` (maskable and Apple icons): the background fills the whole square because the platform
 * applies its own mask; the ring's outer radius, 21/64 ≈ 33% of the size, already sits inside the 40%
 * safe zone of a maskable icon.
 */
function draw(size, fullBleed) {
  const scale = size / VIEW;
  const rgba = new Uint8Array(size * size * 4);
  const c = size / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const dx = x + 0.5 - c;
      const dy = y + 0.5 - c;
      const r = Math.hypot(dx, dy);
      const px = [0, 0, 0, 0];
      const bg = fullBleed ? 1 : coverage(roundedRectDistance(dx, dy, c, CORNER * scale));
      over(px, BACKGROUND, bg);
      over(px, RING, coverage(Math.abs(r - RING_RADIUS * scale) - (RING_WIDTH / 2) * scale));
      over(px, DOT, coverage(r - DOT_RADIUS * scale));
      const o = (y * size + x) * 4;
      for (let i = 0; i < 4; i++) rgba[o + i] = Math.round(i === 3 ? px[i] * 255 : px[i]);
    }
  }
  return rgba;
}

function chunk(type, data) {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

function encodePng(size, rgba) {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // colour type RGBA
  // Every scanline is prefixed with filter type 0 (none); deflate does the compressing.
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const outputs = [
  { file: 'pwa-192x192.png', size: 192, fullBleed: false },
  { file: 'pwa-512x512.png', size: 512, fullBleed: false },
  { file: 'maskable-512x512.png', size: 512, fullBleed: true },
  // iOS masks home-screen icons itself and ignores transparency, so it gets the full-bleed square.
  { file: 'apple-touch-icon-180x180.png', size: 180, fullBleed: true },
];
for (const { file, size, fullBleed } of outputs) {
  const png = encodePng(size, draw(size, fullBleed));
  writeFileSync(new URL(`../public/${file}`, import.meta.url), png);
  console.log(`public/${file}  ${size}x${size}  ${png.length} bytes`);
}
