// Quality benchmark of the embedded model: every colour x shape x direction prompt, several seeds, FreeU off and on.
// Flags: --seeds N (default 2), --model M, --freeu off|on|both, --every K (only every K-th prompt-seed pair, for quick looks),
// --threads T (default: every core), --backgrounds (also every "... on a {black,white,grey} background" prompt, as the
// model was trained; white on white is never drawn, so not asked).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadPipeline } from '../core/pipeline/pipeline.js';
import { packageRoot } from '../models/paths.js';
import { PALETTE, readClip, type Colour, type Direction } from './shape-metrics.js';
import { benchMessage } from './fail.js';
import { flag } from './args.js';

const SHAPES = ['circle', 'square', 'triangle'] as const;
const DIRECTIONS: Direction[] = ['left', 'right', 'up', 'down'];
const BACKGROUNDS = ['black', 'white', 'grey'] as const;

/** both: colour and direction right; all: colour, direction and shape (read from the frames) right. */
interface Tally {
  colour: number;
  direction: number;
  both: number;
  shape: number;
  all: number;
  total: number;
}

async function main(): Promise<void> {
  const seeds = Number(flag('seeds', '2'));
  const model = flag('model', 'default');
  const every = Number(flag('every', '1'));
  const which = flag('freeu', 'both');
  const threads = Number(flag('threads', '0'));
  const withBackgrounds = process.argv.includes('--backgrounds');
  // one pipeline for every clip, sessions kept: each network loads once
  const pipe = await loadPipeline(model, { device: 'cpu', sessions: 'keep', ...(threads > 0 ? { threads } : {}) });
  const defaults = pipe.defaults;
  const modes = (
    [
      ['off', null],
      ['on', { ...defaults.freeu, version: 1 as const, start: 0, end: 1 }],
    ] as const
  ).filter(([m]) => which === 'both' || which === m);
  let pair = 0;
  const tallies: Record<string, Tally> = {};
  const perAttribute: Record<string, Record<string, { right: number; total: number }>> = {};
  const started = performance.now();
  for (const [mode, freeu] of modes) {
    const t: Tally = (tallies[mode] = { colour: 0, direction: 0, both: 0, shape: 0, all: 0, total: 0 });
    const attr: Record<string, { right: number; total: number }> = (perAttribute[mode] = {});
    const bump = (k: string, ok: boolean) => {
      const a = (attr[k] ??= { right: 0, total: 0 });
      a.total++;
      if (ok) a.right++;
    };
    for (const colour of Object.keys(PALETTE) as Colour[]) {
      for (const shape of SHAPES) {
        for (const dir of DIRECTIONS) {
          for (const bg of withBackgrounds ? BACKGROUNDS.filter((b) => !(b === 'white' && colour === 'white')) : [null]) {
            for (let seed = 0; seed < seeds; seed++) {
              if (pair++ % every !== 0) continue;
              const r = await pipe.generate({
                prompt: `a ${colour} ${shape} moving ${dir}${bg ? ` on a ${bg} background` : ''}`,
                seed: BigInt(seed),
                steps: defaults.steps,
                guidanceScale: defaults.guidanceScale,
                frames: defaults.frames,
                width: defaults.width,
                height: defaults.height,
                scheduler: defaults.scheduler,
                freeu,
              });
              const reading = readClip(r.rgb, r.frames, r.width, r.height);
              const okC = reading.colour === colour;
              const okD = reading.direction === dir;
              const okS = reading.shape === shape;
              t.total++;
              if (okC) t.colour++;
              if (okD) t.direction++;
              if (okC && okD) t.both++;
              if (okS) t.shape++;
              if (okC && okD && okS) t.all++;
              bump(`colour:${colour}`, okC);
              bump(`shape:${shape}`, okS);
              bump(`direction:${dir}`, okD);
              if (bg) bump(`both on ${bg}`, okC && okD); // colour and direction right, per background
            }
          }
        }
      }
    }
    const pct = (n: number) => `${((100 * n) / t.total).toFixed(1)}%`;
    console.log(`FreeU ${mode}: colour ${pct(t.colour)}, direction ${pct(t.direction)}, both ${pct(t.both)}, shape ${pct(t.shape)}, ` + `all three ${pct(t.all)} of ${t.total}`);
  }
  for (const key of Object.keys(perAttribute[modes[0]![0]] ?? {})) {
    const cell = (m: string) => {
      const a = perAttribute[m]?.[key];
      return a ? `${a.right}/${a.total}` : '-';
    };
    console.log(`  ${key.padEnd(18)} off ${cell('off').padEnd(7)} on ${cell('on')}`);
  }
  await pipe.release();
  const out = join(packageRoot(), 'bench', 'results', `${new Date().toISOString().slice(0, 19).replace(/:/g, '-')}-quality.json`);
  await mkdir(join(packageRoot(), 'bench', 'results'), { recursive: true });
  await writeFile(out, JSON.stringify({ model, seeds, every, backgrounds: withBackgrounds, defaults, tallies, perAttribute, seconds: (performance.now() - started) / 1000 }, null, 2));
  console.log(`wrote ${out}`);
}

main().catch((e: unknown) => {
  console.error(benchMessage(e));
  process.exit(1);
});
