// `--preview-path FILE`: the latest preview as one PNG strip (each frame scaled up 4x), replaced atomically at each update.
import { renameSync, writeFileSync } from 'node:fs';
import type { PreviewFrames } from '../../core/pipeline/preview.js';
import { encodePng } from '../../video/png.js';

const SCALE = 4;
const GAP = 2;

export function previewStrip(p: PreviewFrames): { width: number; height: number; rgb: Uint8Array } {
  const fw = p.width * SCALE;
  const width = p.count * fw + (p.count - 1) * GAP;
  const height = p.height * SCALE;
  const rgb = new Uint8Array(width * height * 3);
  for (let f = 0; f < p.count; f++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < fw; x++) {
        const src = ((f * p.height + Math.floor(y / SCALE)) * p.width + Math.floor(x / SCALE)) * 3;
        const dst = (y * width + f * (fw + GAP) + x) * 3;
        rgb.set(p.rgb.subarray(src, src + 3), dst);
      }
    }
  }
  return { width, height, rgb };
}

/** Written beside the target and renamed over it, so a viewer never reads half a file. */
export function writePreviewPng(path: string, p: PreviewFrames, step: number, total: number): void {
  const s = previewStrip(p);
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, encodePng(s.width, s.height, s.rgb, [['t2v-preview', `step ${step}/${total}`]]));
  renameSync(tmp, path);
}
