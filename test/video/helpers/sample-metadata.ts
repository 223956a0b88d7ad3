// Sample generation metadata for tests; no vitest import, so child processes can use it too.
import type { GenerationMetadata } from '../../../video/metadata.js';

export function sampleMetadata(over: Partial<GenerationMetadata> = {}): GenerationMetadata {
  return {
    t2v: '0.1.0',
    prompt: 'an astronaut riding a horse, "4k"; café ☃',
    negativePrompt: 'blurry, low quality',
    seed: '1234',
    steps: 25,
    guidance: 9,
    scheduler: 'dpmpp2m',
    frames: 10,
    fps: 8,
    width: 64,
    height: 48,
    model: { id: 'ali-vilab/text-to-video-ms-1.7b', revision: '8227dddca75a8561bf858d604cc5dae52b954d01' },
    freeu: { enabled: true, version: 2, b1: 1.2, b2: 1.4, s1: 0.9, s2: 0.2, start: 0, end: 1 },
    device: 'cpu',
    ...over,
  };
}
