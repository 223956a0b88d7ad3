// fp16 weights for fp16 graphs: F16 bytes kept as stored, F32 / BF16 rounded, values beyond fp16's range refused.
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inFlagTerms } from '../../cli/setting-flags.js';
import { T2vError } from '../../core/errors.js';
import { parseVaeConfig } from '../../models/configs/vae.js';
import { floatToHalf, HALF_MAX, halfToFloat } from '../../models/half.js';
import { readJsonFile } from '../../models/json.js';
import { buildNetwork, DATA_FILE } from '../../models/networks/build.js';
import { floatToBfloat16, SafetensorsFile, toHalf, writeSafetensors, type TensorToWrite } from '../../models/safetensors.js';
import { golden, withTempDir } from '../helpers.js';

const bytesOf = (bits: readonly number[]): Buffer => Buffer.from(new Uint16Array(bits).buffer);

describe('toHalf', () => {
  it('keeps every F16 bit pattern as stored (NaN payloads, subnormals, -0), aligned or not', () => {
    const all = Buffer.alloc(65536 * 2 + 1);
    for (let h = 0; h < 65536; h++) all.writeUInt16LE(h, 1 + h * 2);
    for (const raw of [all.subarray(1), Buffer.from(all.subarray(1))]) {
      const got = toHalf(raw, 'F16', 'x');
      expect(got.length).toBe(65536);
      for (let h = 0; h < 65536; h += 1) if (got[h] !== h) throw new Error(`0x${h.toString(16)} became 0x${got[h]!.toString(16)}`);
    }
  });

  it.each([
    ['F32', (v: number) => Buffer.from(new Float32Array([v]).buffer)],
    ['BF16', (v: number) => bytesOf([floatToBfloat16(v)])],
  ] as const)('rounds %s to the nearest fp16 (ties to even), tiny values to zero', (dtype, encode) => {
    for (const v of [0, -0, 1, -2.5, 0.1, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 6.1e-5, 3e-6, 1e-9, 65280, -60000]) {
      const stored = dtype === 'BF16' ? new Float32Array(new Uint32Array([floatToBfloat16(v) << 16]).buffer)[0]! : v;
      expect(toHalf(encode(v), dtype, 'x')[0], `${dtype} ${v}`).toBe(floatToHalf(stored));
    }
    expect(halfToFloat(toHalf(encode(1e-9), dtype, 'x')[0]!)).toBe(0);
  });

  it.each([
    ['F32', Buffer.from(new Float32Array([1, 7e4, -1e6]).buffer)],
    ['BF16', bytesOf([0x3f80, floatToBfloat16(3e38)])],
  ] as const)('refuses %s values beyond fp16 range in one line naming the tensor and the fix', (dtype, raw) => {
    let err: unknown;
    try {
      toHalf(raw, dtype, 'up.weight in w.safetensors');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(T2vError);
    const msg = inFlagTerms(err as Error).message;
    expect(msg).toMatch(new RegExp(`tensor up\\.weight in w\\.safetensors has \\d value\\(s\\) beyond fp16's range .*> ${HALF_MAX}\\); run it with --precision fp32`));
    expect(msg).not.toContain('\n');
  });
});

describe('an fp16 graph built from an fp16 file', () => {
  it("holds the file's fp16 bytes of each weight, not a widened copy", async () => {
    await withTempDir(async (dir) => {
      const src = golden('vae-small', 'vae');
      const part = join(dir, 'vae');
      await mkdir(part);
      await copyFile(join(src, 'config.json'), join(part, 'config.json'));
      // the golden fp32 weights saved as a diffusers fp16 variant
      const f32 = await SafetensorsFile.open(join(src, 'diffusion_pytorch_model.safetensors'));
      const tensors: Record<string, TensorToWrite> = {};
      for (const [name, t] of f32.tensors) tensors[name] = { dtype: 'F16', shape: t.shape, data: await f32.readFloat32(name) };
      await f32.close();
      await writeSafetensors(join(part, 'diffusion_pytorch_model.fp16.safetensors'), tensors);
      const out = join(dir, 'graph');
      await mkdir(out);
      const cfg = parseVaeConfig((await readJsonFile(join(part, 'config.json'))) as Record<string, unknown>);
      const stats = await buildNetwork({ kind: 'vae-decoder', config: cfg }, { dir: part }, out, { precision: 'float16' });
      const data = await readFile(join(out, DATA_FILE));
      const f16 = await SafetensorsFile.open(join(part, 'diffusion_pytorch_model.fp16.safetensors'));
      const conv = 'decoder.up_blocks.0.resnets.0.conv1.weight';
      expect(data.indexOf(await f16.readRaw(conv))).toBeGreaterThanOrEqual(0);
      let total = 0;
      // the decoder's tensors (the file also holds the encoder)
      for (const t of f16.tensors.values()) if (/^(decoder|post_quant_conv)\./.test(t.name)) total += t.end - t.begin;
      await f16.close();
      // every weight at 2 bytes, but the norms' scales and shifts (float32: the norms compute in float32)
      expect(stats.weightBytes).toBeGreaterThanOrEqual(total);
      expect(stats.weightBytes).toBeLessThan(total * 1.02);
    });
  });
});
