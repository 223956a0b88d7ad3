// Mersenne Twister mt19937 as ATen seeds and steps it (aten/src/ATen/core/MT19937RNGEngine.h).

const N = 624;
const M = 397;

/** 32-bit mt19937; seeded like ATen's `mt19937(uint64 seed)`, which keeps only the low 32 bits of the seed. */
export class MT19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed: bigint | number = 5489) {
    const s = this.state;
    s[0] = Number(BigInt.asUintN(32, BigInt(seed)));
    for (let j = 1; j < N; j++) {
      const prev = s[j - 1]!;
      const x = prev ^ (prev >>> 30);
      // 1812433253 * x + j modulo 2^32, split in 16-bit halves so the product stays exact in a double.
      s[j] = (((((x & 0xffff0000) >>> 16) * 1812433253) << 16) + (x & 0x0000ffff) * 1812433253 + j) >>> 0;
    }
  }

  private twist(): void {
    const s = this.state;
    for (let k = 0; k < N; k++) {
      const y = (s[k]! & 0x80000000) | (s[(k + 1) % N]! & 0x7fffffff);
      s[k] = (s[(k + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0)) >>> 0;
    }
    this.index = 0;
  }

  /** Next 32-bit output, tempered. */
  next32(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
