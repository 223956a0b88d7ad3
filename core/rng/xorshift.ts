// xorshift32 values in [-1, 1) from a seed: cheap, deterministic signals for tests and benchmarks (not torch's randn).

/** `n` values, each (state / 2^31 - 1) * scale, the state advanced by xorshift32 from `seed` (0 counts as 1). */
export function xorshiftValues(n: number, seed: number, scale = 1): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: n }, () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s / 2 ** 31 - 1) * scale;
  });
}
