// Memory plan of a full-size generation: ModelScope-sized CLIP, U-Net and VAE with random weights, peak RSS per phase.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultsForParts } from '../core/pipeline/defaults.js';
import { pipelineFromParts } from '../core/pipeline/pipeline.js';
import { partsFrom } from '../core/pipeline/parts.js';
import { parseClipTextConfig } from '../models/configs/clip-text.js';
import { MODELSCOPE_UNET, parseUnet3dConfig } from '../models/configs/unet3d.js';
import { parseVaeConfig } from '../models/configs/vae.js';
import { packageRoot } from '../models/paths.js';
import { processMemoryMiB } from './process-memory.js';
import { flag } from './args.js';
import { claimResultsFile } from './results-file.js';

/** ModelScope's text encoder (OpenCLIP ViT-H/14 text tower) and VAE (Stable Diffusion's), as their config.json say. */
const MODELSCOPE_TEXT_ENCODER = {
  hidden_size: 1024,
  intermediate_size: 4096,
  num_attention_heads: 16,
  num_hidden_layers: 23,
  vocab_size: 49408,
  max_position_embeddings: 77,
  hidden_act: 'gelu',
  layer_norm_eps: 1e-5,
};
const MODELSCOPE_VAE = {
  block_out_channels: [128, 256, 512, 512],
  layers_per_block: 2,
  latent_channels: 4,
  norm_num_groups: 32,
  scaling_factor: 0.18215,
  in_channels: 3,
  out_channels: 3,
};

async function main(): Promise<void> {
  const steps = Number(flag('steps', '2'));
  const parts = partsFrom(
    {
      id: 'modelscope-sized, random weights',
      tokenizerDir: join(packageRoot(), 'test', 'fixtures', 'golden', 'tokenizer-clip'),
      schedulerConfig: JSON.parse(await readFile(join(packageRoot(), 'test', 'fixtures', 'golden', 'pipeline-tiny', 'model', 'scheduler', 'scheduler_config.json'), 'utf8')) as Record<string, unknown>,
    },
    { textEncoder: parseClipTextConfig(MODELSCOPE_TEXT_ENCODER), unet: parseUnet3dConfig(MODELSCOPE_UNET), vae: parseVaeConfig(MODELSCOPE_VAE) },
    () => ({ randomSeed: 0 }),
  );
  const phases: { phase: string; atSeconds: number; rssMiB: number; peakMiB: number }[] = [];
  const t0 = performance.now();
  const mark = (phase: string) => {
    const m = processMemoryMiB();
    phases.push({ phase, atSeconds: (performance.now() - t0) / 1000, rssMiB: m.rssMiB, peakMiB: m.peakRssMiB });
    console.error(
      `${phase.padEnd(28)} ${phases.at(-1)!.atSeconds.toFixed(0).padStart(5)} s  rss ${phases.at(-1)!.rssMiB.toFixed(0).padStart(6)} MiB  peak ${phases.at(-1)!.peakMiB.toFixed(0).padStart(6)} MiB`,
    );
  };
  mark('start');
  let last = '';
  // sessions per phase (the one-video policy): the peak is the largest network, not the sum
  const pipe = pipelineFromParts(parts, await defaultsForParts(parts), { device: 'cpu', threads: 2, sessions: 'per-phase' });
  const result = await pipe.generate(
    {
      prompt: 'a panda playing guitar',
      seed: 0n,
      steps,
      guidanceScale: 9,
      frames: 16,
      width: 256,
      height: 256,
      scheduler: 'ddim',
    },
    {
      onProgress: (e) => {
        const phase = e.phase === 'step' ? `step ${e.step}/${e.total}` : e.phase === 'decode' ? `decode ${e.done}/${e.total}` : e.phase;
        if (phase !== last) {
          last = phase;
          mark(phase);
        }
      },
    },
  );
  mark('done');
  const out = { steps, frames: result.frames, size: [result.width, result.height], timings: result.timings, phases, peakMiB: processMemoryMiB().peakRssMiB };
  const file = await claimResultsFile('pipeline-memory');
  await writeFile(file, JSON.stringify(out, null, 2));
  console.log(`peak RSS ${out.peakMiB.toFixed(0)} MiB over a full-size ${steps}-step run (16 frames, 256x256); wrote ${file}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
