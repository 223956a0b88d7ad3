// Which files a pull fetches, as a table of repository layouts: what t2v reads, --variant and --include.
import { describe, expect, it } from 'vitest';
import { pipelineParts, selectFiles, type SelectOptions } from '../../../models/hub/select.js';
import type { RemoteFile } from '../../../models/hub/tree.js';

const file = (path: string): RemoteFile => ({ path, size: 1, kind: 'git', blob: '0'.repeat(40) });
const PARTS = ['unet', 'vae', 'text_encoder', 'tokenizer', 'scheduler'];
const COMMON = [
  'model_index.json',
  'unet/config.json',
  'vae/config.json',
  'text_encoder/config.json',
  'scheduler/scheduler_config.json',
  'tokenizer/vocab.json',
  'tokenizer/merges.txt',
  'tokenizer/special_tokens_map.json',
  'tokenizer/tokenizer_config.json',
];
// damo-vilab/text-to-video-ms-1.7b as listed on the Hub: .bin and .safetensors, plain and fp16, for each part
const DAMO = [
  ...COMMON,
  'README.md',
  '.gitattributes',
  'samples/x.gif',
  ...['unet/diffusion_pytorch_model', 'vae/diffusion_pytorch_model', 'text_encoder/pytorch_model'].flatMap((s) => [`${s}.bin`, `${s}.fp16.bin`]),
  ...['unet/diffusion_pytorch_model', 'vae/diffusion_pytorch_model', 'text_encoder/model'].flatMap((s) => [`${s}.safetensors`, `${s}.fp16.safetensors`]),
];

const ROWS: [string, string[], SelectOptions, string[]][] = [
  ['damo layout: the plain safetensors', DAMO, { parts: PARTS }, [...COMMON, 'unet/diffusion_pytorch_model.safetensors', 'vae/diffusion_pytorch_model.safetensors', 'text_encoder/model.safetensors']],
  [
    'damo layout, --variant fp16',
    DAMO,
    { parts: PARTS, variant: 'fp16' },
    [...COMMON, 'unet/diffusion_pytorch_model.fp16.safetensors', 'vae/diffusion_pytorch_model.fp16.safetensors', 'text_encoder/model.fp16.safetensors'],
  ],
  ['fp16-only files: fp16 (t2v falls back to it)', [...COMMON, 'unet/diffusion_pytorch_model.fp16.safetensors'], { parts: PARTS }, [...COMMON, 'unet/diffusion_pytorch_model.fp16.safetensors']],
  [
    '--variant fp16 where a part has none: the plain files',
    [...COMMON, 'vae/diffusion_pytorch_model.safetensors'],
    { parts: PARTS, variant: 'fp16' },
    [...COMMON, 'vae/diffusion_pytorch_model.safetensors'],
  ],
  [
    '.bin only where a part has no safetensors',
    [...COMMON, 'unet/diffusion_pytorch_model.bin', 'unet/diffusion_pytorch_model.fp16.bin', 'vae/diffusion_pytorch_model.bin', 'vae/diffusion_pytorch_model.safetensors'],
    { parts: PARTS },
    [...COMMON, 'unet/diffusion_pytorch_model.bin', 'vae/diffusion_pytorch_model.safetensors'],
  ],
  [
    'sharded weights and their index',
    [
      ...COMMON,
      'unet/diffusion_pytorch_model.safetensors.index.json',
      'unet/diffusion_pytorch_model-00001-of-00002.safetensors',
      'unet/diffusion_pytorch_model-00002-of-00002.safetensors',
      'unet/diffusion_pytorch_model.fp16-00001-of-00002.safetensors',
    ],
    { parts: PARTS },
    [...COMMON, 'unet/diffusion_pytorch_model.safetensors.index.json', 'unet/diffusion_pytorch_model-00001-of-00002.safetensors', 'unet/diffusion_pytorch_model-00002-of-00002.safetensors'],
  ],
  [
    'a folder model_index.json does not name (zeroscope zs2_576w/)',
    [...COMMON, 'zs2_576w/open_clip_pytorch_model.bin', 'zs2_576w/configuration.json', 'text2video_pytorch_model.pth'],
    { parts: PARTS },
    COMMON,
  ],
  [
    '--include adds files by name or by path',
    [...COMMON, 'README.md', 'zs2_576w/a.bin', 'unet/diffusion_pytorch_model.bin'],
    { parts: PARTS, include: ['*.bin', 'README.md'] },
    [...COMMON, 'README.md', 'zs2_576w/a.bin', 'unet/diffusion_pytorch_model.bin'],
  ],
  ['--include "**" is everything', [...COMMON, 'README.md', '.gitattributes'], { parts: PARTS, include: ['**'] }, [...COMMON, 'README.md', '.gitattributes']],
  [
    'no model_index.json: weights in any folder, and at the root',
    ['config.json', 'diffusion_pytorch_model.safetensors', 'diffusion_pytorch_model.bin'],
    {},
    ['config.json', 'diffusion_pytorch_model.safetensors'],
  ],
];

describe('selectFiles', () => {
  it.each(ROWS)('%s', (_, paths, opts, want) => {
    const { files, skipped } = selectFiles(paths.map(file), opts);
    expect(files.map((f) => f.path).sort()).toEqual([...want].sort());
    expect(files.length + skipped.length).toBe(paths.length);
  });

  it.each([
    [
      { _class_name: 'TextToVideoSDPipeline', _diffusers_version: '0.15.0', unet: ['diffusers', 'UNet3DConditionModel'], vae: ['diffusers', 'AutoencoderKL'], feature_extractor: [null, null] },
      ['unet', 'vae'],
    ],
    [[], undefined],
    [null, undefined],
    ['x', undefined],
  ])('pipelineParts(%j)', (index, want) => expect(pipelineParts(index)).toEqual(want));
});
