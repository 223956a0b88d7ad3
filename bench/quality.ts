// Quality benchmark of the embedded model: every colour x shape x direction prompt, several seeds, FreeU off and on.
// Flags: --seeds N (default 2), --first-seed S (default 0: seeds S..S+N-1; another S checks seeds no choice was made on),
// --model M, --freeu off|on|both, --every K (only every K-th prompt-seed pair, for quick looks), --threads T (default:
// every core), --guidance G (default the model's), --backgrounds (also every "... on a {black,white,grey} background"
// prompt, as the model was trained; white on white is never drawn, so not asked), --sweep 'b1,b2,s1,s2;...' (FreeU at
// each of these factor sets as well, beside off and the preset: the measured sweep a model's preset is chosen from).
import { writeFile } from 'node:fs/promises';
import { loadPipeline } from '../core/pipeline/pipeline.js';
import { PALETTE, readClip, type Colour, type Direction } from './shape-metrics.js';
import { benchMessage } from './fail.js';
import { flag, has } from './args.js';
import { meanAbsDiff } from './image-metrics.js';
import { parseFreeUValue } from '../core/freeu/index.js';
import type { FreeUFactors, FreeUSettings } from '../core/common/types.js';
import { claimResultsFile } from './results-file.js';

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
  const firstSeed = Number(flag('first-seed', '0'));
  const model = flag('model', 'default');
  const every = Number(flag('every', '1'));
  const which = flag('freeu', 'both');
  const threads = Number(flag('threads', '0'));
  const withBackgrounds = has('backgrounds');
  const sweep = sweepSets(flag('sweep', '')); // before the models load: a bad set fails at once
  // one pipeline for every clip, sessions kept: each network loads once
  const pipe = await loadPipeline(model, { device: 'cpu', sessions: 'keep', ...(threads > 0 ? { threads } : {}) });
  const defaults = pipe.defaults;
  const guidanceScale = Number(flag('guidance', String(defaults.guidanceScale)));
  const v1 = (f: FreeUFactors): FreeUSettings => ({ ...f, version: 1, start: 0, end: 1 });
  const modes: [string, FreeUSettings | null][] = (
    [
      ['off', null],
      ['on', v1(defaults.freeu)],
    ] as [string, FreeUSettings | null][]
  ).filter(([m]) => which === 'both' || which === m);
  for (const set of sweep) modes.push([`${set.b1}/${set.b2}/${set.s1}/${set.s2}`, v1(set)]);
  const tallies: Record<string, Tally> = {};
  const perAttribute: Record<string, Record<string, { right: number; total: number }>> = {};
  // each mode's mean |pixel difference| from FreeU off on the same pair (0-255): how much the factors change the video
  const offClips: Uint8Array[] = [];
  const diffFromOff: Record<string, number> = {};
  const started = performance.now();
  for (const [mode, freeu] of modes) {
    let pair = 0;
    let diffSum = 0;
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
            for (let seed = firstSeed; seed < firstSeed + seeds; seed++) {
              if (pair++ % every !== 0) continue;
              const r = await pipe.generate({
                prompt: `a ${colour} ${shape} moving ${dir}${bg ? ` on a ${bg} background` : ''}`,
                seed: BigInt(seed),
                steps: defaults.steps,
                guidanceScale,
                frames: defaults.frames,
                width: defaults.width,
                height: defaults.height,
                scheduler: defaults.scheduler,
                freeu,
              });
              // the same pair's clip with FreeU off is the off mode's t.total-th: every mode asks the pairs in one order
              const off = offClips[t.total];
              if (freeu === null) offClips.push(r.rgb);
              else if (off) diffSum += meanAbsDiff(off, r.rgb);
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
    if (freeu !== null && offClips.length === t.total) diffFromOff[mode] = diffSum / t.total;
    const diff = diffFromOff[mode] === undefined ? '' : `, mean |difference| from off ${diffFromOff[mode].toFixed(2)} / 255`;
    console.log(`FreeU ${mode}: colour ${pct(t.colour)}, direction ${pct(t.direction)}, both ${pct(t.both)}, shape ${pct(t.shape)}, ` + `all three ${pct(t.all)} of ${t.total}${diff}`);
  }
  for (const key of Object.keys(perAttribute[modes[0]![0]] ?? {})) {
    const cell = (m: string) => {
      const a = perAttribute[m]?.[key];
      return a ? `${a.right}/${a.total}` : '-';
    };
    console.log(`  ${key.padEnd(18)} ${modes.map(([m]) => `${m} ${cell(m).padEnd(7)}`).join(' ')}`);
  }
  await pipe.release();
  const out = await claimResultsFile('quality');
  await writeFile(
    out,
    JSON.stringify(
      { model, seeds, firstSeed, every, guidanceScale, backgrounds: withBackgrounds, defaults, modes, tallies, diffFromOff, perAttribute, seconds: (performance.now() - started) / 1000 },
      null,
      2,
    ),
  );
  console.log(`wrote ${out}`);
}

/** `--sweep '1.1,1.2,1,1;1.2,1.4,0.9,0.2'`: FreeU factor sets b1,b2,s1,s2 (none for ''). */
function sweepSets(raw: string): FreeUFactors[] {
  if (raw.trim() === '') return [];
  return raw.split(';').map((set) => {
    const n = set.split(',');
    if (n.length !== 4) throw new Error(`--sweep ${set}: use four numbers b1,b2,s1,s2 per set, sets separated by ;`);
    // the ranges --b1 .. --s2 accept
    const [b1, b2, s1, s2] = (['b1', 'b2', 's1', 's2'] as const).map((k, i) => parseFreeUValue(k, n[i]!, `--sweep ${k}`));
    return { b1: b1!, b2: b2!, s1: s1!, s2: s2! };
  });
}

main().catch((e: unknown) => {
  console.error(benchMessage(e));
  process.exit(1);
});
