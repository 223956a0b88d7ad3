// Torch-compatible CPU random numbers: the seed -> initial latents path.
export { MT19937 } from './mt19937.js';
export { TorchGenerator, randomSeed } from './generator.js';
export { randn, fillNormal } from './randn.js';
