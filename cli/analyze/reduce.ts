// One run's step records reduced on the host as they arrive: spectrum curves, channel-mean maps, and x0 at the shown steps.
import { binsFor, relativeLogAmplitude } from '../../core/freeu/spectrum.js';
import type { RecordedTensor, StepRecord } from '../../core/pipeline/record.js';
import { RECORDED_KINDS, type RecordedKind } from '../../models/networks/unet3d.js';

/** A radially averaged spectrum: frequency in units of pi (0 = DC, 1 = Nyquist); null where a bin holds no DFT bin. */
export interface Curve {
  readonly frequency: number[];
  readonly value: (number | null)[];
}

/** Channel means of one stage's output, per frame of the conditional half: frames x (height * width). */
export interface ChannelMeans {
  readonly height: number;
  readonly width: number;
  readonly frames: number[][];
}

export interface StageStep {
  readonly stage: number;
  readonly height: number;
  readonly width: number;
  readonly spectra: Readonly<Record<RecordedKind, Curve>>;
  readonly channelMeans?: ChannelMeans;
}

export interface StepReduction {
  readonly step: number;
  readonly timestep: number;
  readonly stages: readonly StageStep[];
}

export interface RunReduction {
  readonly steps: StepReduction[];
  /** Latent x0 (1, C, 1, h, w) of the middle frame at each shown step, decoded after sampling. */
  readonly x0: Map<number, Float32Array>;
  latentDims?: readonly [number, number, number, number, number];
}

/** `count` steps spread evenly over 0..total-1, first and last included. */
export function shownSteps(total: number, count: number): number[] {
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  return [...new Set(Array.from({ length: count }, (_, i) => Math.round((i * (total - 1)) / (count - 1))))];
}

/** The conditional half's maps of one tensor, every channel of every frame (frames folded as b * F + f). */
function condMaps(t: RecordedTensor, frames: number, guided: boolean): { maps: Float32Array[]; channels: number; height: number; width: number } {
  const [, c, h, w] = t.dims as [number, number, number, number];
  const plane = h * w;
  const first = guided ? frames : 0; // diffusers' guidance batch is (uncond, cond)
  const maps: Float32Array[] = [];
  for (let f = 0; f < frames; f++) for (let ch = 0; ch < c; ch++) maps.push(t.data.subarray(((first + f) * c + ch) * plane, ((first + f) * c + ch + 1) * plane));
  return { maps, channels: c, height: h, width: w };
}

function curve(maps: Float32Array[], h: number, w: number): Curve {
  const r = relativeLogAmplitude(maps, h, w, binsFor(h, w), 'nearest');
  return { frequency: r.frequency, value: r.value.map((v) => (Number.isFinite(v) ? v : null)) };
}

/** Per frame, the mean over channels of one tensor. */
function channelMeans(t: RecordedTensor, frames: number, guided: boolean): ChannelMeans {
  const { maps, channels, height, width } = condMaps(t, frames, guided);
  const out: number[][] = [];
  for (let f = 0; f < frames; f++) {
    const mean = new Array<number>(height * width).fill(0);
    for (let ch = 0; ch < channels; ch++)
      maps[f * channels + ch]!.forEach((v, i) => {
        mean[i]! += v / channels;
      });
    out.push(mean);
  }
  return { height, width, frames: out };
}

/** Collects a run; `mapSteps` keep channel-mean maps, `x0Steps` keep the middle frame's latent x0. */
export function runRecorder(mapSteps: readonly number[], x0Steps: readonly number[]): { run: RunReduction; onRecord: (r: StepRecord) => void } {
  const run: RunReduction = { steps: [], x0: new Map() };
  const onRecord = (r: StepRecord): void => {
    const [, c, frames, h, w] = r.dims;
    run.latentDims = [1, c, 1, h, w];
    if (x0Steps.includes(r.step)) {
      const mid = Math.floor(frames / 2);
      const z = new Float32Array(c * h * w);
      for (let ch = 0; ch < c; ch++) z.set(r.x0.subarray((ch * frames + mid) * h * w, (ch * frames + mid + 1) * h * w), ch * h * w);
      run.x0.set(r.step, z);
    }
    const stages: StageStep[] = [];
    for (const stage of [...new Set(r.recorded.map((t) => t.stage))].sort()) {
      const of = r.recorded.filter((t) => t.stage === stage);
      const spectra = {} as Record<RecordedKind, Curve>;
      let size = { height: 0, width: 0 };
      for (const kind of RECORDED_KINDS) {
        // every concatenation of the stage is at one resolution: their maps are averaged together
        const parts = of.filter((t) => t.kind === kind).map((t) => condMaps(t, frames, r.guided));
        size = { height: parts[0]!.height, width: parts[0]!.width };
        spectra[kind] = curve(
          parts.flatMap((p) => p.maps),
          size.height,
          size.width,
        );
      }
      const output = of.find((t) => t.kind === 'block_output')!;
      stages.push({ stage, ...size, spectra, ...(mapSteps.includes(r.step) ? { channelMeans: channelMeans(output, frames, r.guided) } : {}) });
    }
    run.steps.push({ step: r.step, timestep: r.timestep, stages });
  };
  return { run, onRecord };
}
