// FreeU's four factors and version, as fed to the U-Net decoder graph for one step.

/** b1/b2 scale the backbone at up_blocks[0]/[1]; s1/s2 scale the skip's low frequencies there. */
export interface FreeUFactors {
  readonly b1: number;
  readonly b2: number;
  readonly s1: number;
  readonly s2: number;
  /** 1: diffusers' `apply_freeu` (constant backbone factor); 2: the official repo's structure-related scaling. */
  readonly version: 1 | 2;
}

/** b = s = 1: the FreeU stage is an identity. */
export const FREEU_OFF: FreeUFactors = { b1: 1, b2: 1, s1: 1, s2: 1, version: 1 };
