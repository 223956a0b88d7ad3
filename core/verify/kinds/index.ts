// Which module checks which `kind` of reference case; a kind not listed here is reported as not implemented.
import type { VerifyKind } from '../types.js';

type Loader = () => Promise<VerifyKind>;

/** Lazy so `t2v verify` on one kind loads only what that kind needs. */
export const VERIFY_KINDS: Readonly<Record<string, Loader>> = {
  rng: async () => (await import('./rng.js')).verifyRng,
  scheduler: async () => (await import('./scheduler.js')).verifyScheduler,
  tokenizer: async () => (await import('./tokenizer.js')).verifyTokenizer,
  freeu: async () => (await import('./freeu.js')).verifyFreeU,
  unet3d: async () => (await import('./unet3d.js')).verifyUnet3d,
  'vae-decode': async () => (await import('./vae-decode.js')).verifyVaeDecode,
  'clip-text': async () => (await import('./clip-text.js')).verifyClipText,
  pipeline: async () => (await import('./pipeline.js')).verifyPipeline,
};
