// FreeU's identity step; the FreeU types themselves are declared once in core/common/types.ts.
import type { FreeUStep } from '../common/types.js';

export type { FreeUFactors, FreeUSettings, FreeUStep, FreeUVersion } from '../common/types.js';

/** b = s = 1: the FreeU stage is an identity. */
export const FREEU_OFF: FreeUStep = { b1: 1, b2: 1, s1: 1, s2: 1, version: 1 };
