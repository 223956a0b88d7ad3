// Names of the FreeU lab's recorded U-Net outputs: which stage, which skip concatenation, which tensor.

/** The four tensors recorded at each skip concatenation of a FreeU stage. */
export const CONCAT_KINDS = ['backbone_before', 'backbone_after', 'skip_before', 'skip_after'] as const;
/**
 * Plus the stage's output (after its last layer, before the upsampler; recorded as layer layers_per_block + 1): b scales
 * whole maps, which leaves a relative log spectrum of those maps unchanged, so its effect shows in what the block makes.
 */
export const RECORDED_KINDS = [...CONCAT_KINDS, 'block_output'] as const;
export type RecordedKind = (typeof RECORDED_KINDS)[number];

/** Output name of a recorded tensor: stage = resolution_idx (0, 1), layer = the skip concatenation within up_blocks[stage]. */
export function recordedName(stage: number, layer: number, kind: RecordedKind): string {
  return `freeu_record.${stage}.${layer}.${kind}`;
}
