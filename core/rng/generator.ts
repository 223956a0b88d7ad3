// A CPU generator with torch's draw order: `torch.Generator('cpu').manual_seed(seed)` (aten/src/ATen/CPUGeneratorImpl.cpp).
import { randomBytes } from 'node:crypto';
import { MAX_SEED } from '../common/types.js';
import { T2vError } from '../errors.js';
import { MT19937 } from './mt19937.js';

const TWO_POW_M24 = 2 ** -24;
const TWO_POW_M53 = 2 ** -53;

export class TorchGenerator {
  /** The last seed set (torch's default seed until manualSeed). */
  seed: bigint;
  private engine: MT19937;
  /** Box-Muller yields pairs; torch caches the second double for the next scalar normal draw. */
  private nextDoubleNormal: number | null = null;

  constructor(seed: bigint = 67280421310721n) {
    this.seed = seed;
    this.engine = new MT19937(seed);
  }

  manualSeed(seed: bigint): this {
    if (seed < 0n || seed > MAX_SEED) throw new T2vError(`seed ${seed}: expected a whole number in [0, 2^64-1]`);
    this.seed = seed;
    this.engine = new MT19937(seed);
    this.nextDoubleNormal = null;
    return this;
  }

  /** uniform_real_distribution<float>(0, 1): 24 low bits of one 32-bit draw. */
  uniformFloat(): number {
    return (this.engine.next32() & 0xffffff) * TWO_POW_M24;
  }

  /** uniform_real_distribution<double>(0, 1): 53 low bits of random64() = (first << 32) | second. */
  uniformDouble(): number {
    const hi = this.engine.next32();
    const lo = this.engine.next32();
    // low 53 bits: the low 21 bits of hi, then all of lo
    return ((hi & 0x1fffff) * 4294967296 + lo) * TWO_POW_M53;
  }

  /** normal_distribution<double>(0, 1) with torch's cached second sample. */
  normalDouble(): number {
    if (this.nextDoubleNormal !== null) {
      const v = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return v;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }
}

/** A seed in 0 .. 2^64-1 from the OS's CSPRNG. */
export function randomSeed(): bigint {
  return randomBytes(8).readBigUInt64LE(0);
}
