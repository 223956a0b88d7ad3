// IEEE half and bfloat16 bit conversions: single values, whole tensors, and stored weight bytes as fp16 for fp16 graphs.
import { settingRef, T2vError } from '../core/errors.js';

/** The largest finite fp16 value. */
export const HALF_MAX = 65504;

export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

let HALF_TABLE: Float32Array | undefined;
/** float32 value of every fp16 bit pattern (little-endian hosts, as safetensors files are). */
export function halfTable(): Float32Array {
  if (!HALF_TABLE) {
    HALF_TABLE = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) HALF_TABLE[h] = halfToFloat(h);
  }
  return HALF_TABLE;
}

/** Rounds a float to IEEE half precision bits (round to nearest even). */
export function floatToHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const x = new Uint32Array(f32.buffer)[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** Rounds a float to bfloat16 bits (round to nearest even, as torch does). */
export function floatToBfloat16(value: number): number {
  const x = new Uint32Array(new Float32Array([value]).buffer)[0]!;
  if ((x & 0x7f800000) === 0x7f800000 && x & 0x7fffff) return (x >>> 16) | 0x40;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** float32 -> fp16 bits, round to nearest even, over a whole tensor (floatToHalf allocates per call: too slow for 1.4 B values). */
export function toHalves(v: Float32Array): Uint16Array {
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length);
  const out = new Uint16Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = bits[i]!;
    const e = ((x >>> 23) & 0xff) - 112;
    // weights are nearly all normal in fp16: the rest (subnormal, zero, overflow, NaN) goes through floatToHalf
    if (e > 0 && e < 31) {
      let h = ((x >>> 16) & 0x8000) | (e << 10) | ((x >>> 13) & 0x3ff);
      const rem = x & 0x1fff;
      if (rem > 0x1000 || (rem === 0x1000 && h & 1)) h++;
      out[i] = h;
    } else {
      out[i] = floatToHalf(v[i]!);
    }
  }
  return out;
}

/**
 * A float32 tensor rounded to fp16 bits for an fp16 graph. A finite value beyond fp16's range (|x| > 65504 rounds to
 * infinity) is refused in one line rather than stored as inf; values below 2^-24 become zero (an absolute error under
 * 6e-8, far below the fp16 rounding of the activations).
 */
export function halvesChecked(v: Float32Array, what: string): Uint16Array {
  const out = toHalves(v);
  let over = 0;
  let largest = 0;
  for (let i = 0; i < out.length; i++) {
    if ((out[i]! & 0x7fff) === 0x7c00 && Number.isFinite(v[i]!)) {
      over++;
      largest = Math.max(largest, Math.abs(v[i]!));
    }
  }
  if (over) throw new T2vError(`tensor ${what} has ${over} value(s) beyond fp16's range (largest |x| ${largest.toPrecision(3)} > ${HALF_MAX}); run it with ${settingRef('precision')} fp32`);
  return out;
}
