// Shared primitive types and limits: a leaf every folder may import (it imports nothing).

/** The samplers t2v runs, by their CLI name (diffusers class in core/schedulers/index.ts). */
export const SCHEDULER_NAMES = ['ddim', 'dpmpp2m', 'euler'] as const;
export type SchedulerName = (typeof SCHEDULER_NAMES)[number];

/** Seeds are torch.Generator.manual_seed's: 0 .. 2^64-1. */
export const MAX_SEED = (1n << 64n) - 1n;

/** DDIM's eta (the DDIM paper's η): 0 deterministic .. 1 DDPM-like. */
export const ETA_RANGE = { min: 0, max: 1 } as const;

export function isSchedulerName(name: string): name is SchedulerName {
  return (SCHEDULER_NAMES as readonly string[]).includes(name);
}

/** FreeU's four factors: b1/b2 scale the backbone at up_blocks[0]/[1], s1/s2 the skip's low frequencies there. */
export interface FreeUFactors {
  readonly b1: number;
  readonly b2: number;
  readonly s1: number;
  readonly s2: number;
}

/** 1: diffusers' `apply_freeu` (constant backbone factor); 2: the official repo's structure-related scaling. */
export type FreeUVersion = 1 | 2;

/** FreeU as a run asks for it: applied on steps i with start <= i / steps < end (fractions of the sampling steps). */
export interface FreeUSettings extends FreeUFactors {
  readonly version: FreeUVersion;
  readonly start: number;
  readonly end: number;
}

/** What the U-Net graph is fed for one step. */
export type FreeUStep = Omit<FreeUSettings, 'start' | 'end'>;
