import { readdirSync, statSync } from 'node:fs';
import { copyFile, open, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { elementCount, floatToHalf, halfToFloat, SafetensorsFile, toFloat32, writeSafetensors } from '../../models/safetensors.js';
import { GOLDEN, withTempDir } from '../helpers.js';

function findSafetensors(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return findSafetensors(p);
    return name.endsWith('.safetensors') ? [p] : [];
  });
}

/** Parses the header independently of the reader under test. */
async function rawHeader(path: string): Promise<{ dataStart: number; header: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }> }> {
  const buf = await readFile(path);
  const len = Number(buf.readBigUInt64LE(0));
  const header = JSON.parse(buf.subarray(8, 8 + len).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  delete header.__metadata__;
  return { dataStart: 8 + len, header };
}

describe('SafetensorsFile on every golden file', () => {
  const files = findSafetensors(GOLDEN);
  it('finds the golden files', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });
  it.each(files.map((f) => [f.slice(GOLDEN.length)]))('%s matches its header', async (rel) => {
    const path = join(GOLDEN, rel);
    const { dataStart, header } = await rawHeader(path);
    const raw = await readFile(path);
    const file = await SafetensorsFile.open(path);
    try {
      expect([...file.tensors.keys()].sort()).toEqual(Object.keys(header).sort());
      for (const [name, h] of Object.entries(header)) {
        const info = file.info(name);
        expect(info.dtype).toBe(h.dtype);
        expect(info.shape).toEqual(h.shape);
        const at = dataStart + h.data_offsets[0];
        const n = elementCount(h.shape);
        if (h.dtype === 'F32') {
          const values = await file.readFloat32(name);
          expect(values.length).toBe(n);
          for (const i of [0, n >> 1, n - 1].filter((i) => i >= 0 && n > 0)) expect(values[i]).toBe(raw.readFloatLE(at + 4 * i));
        } else if (h.dtype === 'I64') {
          const values = await file.readInt64(name);
          for (const i of [0, n - 1].filter((i) => i >= 0 && n > 0)) expect(values[i]).toBe(raw.readBigInt64LE(at + 8 * i));
        }
      }
    } finally {
      await file.close();
    }
  });
});

describe('safetensors writer and conversions', () => {
  it('round-trips F32, F16, BF16 and I64', async () => {
    await withTempDir(async (dir) => {
      const path = join(dir, 'x.safetensors');
      const f = new Float32Array([0, 1, -2.5, 65504, 1e-8, 3.140625]);
      await writeSafetensors(
        path,
        {
          a: { dtype: 'F32', shape: [2, 3], data: f },
          h: { dtype: 'F16', shape: [6], data: f },
          b: { dtype: 'BF16', shape: [6], data: f },
          i: { dtype: 'I64', shape: [2], data: new BigInt64Array([5n, -7n]) },
        },
        { format: 'pt' },
      );
      const file = await SafetensorsFile.open(path);
      expect(await file.readFloat32('a')).toEqual(f);
      expect(Array.from(await file.readFloat32('h'))).toEqual([0, 1, -2.5, 65504, 0, 3.140625]);
      expect(Array.from(await file.readFloat32('b')).slice(0, 4)).toEqual([0, 1, -2.5, 65536]);
      expect(Array.from(await file.readInt64('i'))).toEqual([5n, -7n]);
      expect(file.metadata).toEqual({ format: 'pt' });
      await file.close();
    });
  });

  it.each([
    [0x3c00, 1],
    [0xc000, -2],
    [0x7bff, 65504],
    [0x0001, 2 ** -24],
    [0x7c00, Infinity],
    [0x3555, 0.333251953125],
  ])('half bits %d <-> %d', (bits, value) => {
    expect(halfToFloat(bits)).toBe(value);
    expect(floatToHalf(value)).toBe(bits);
  });
});

describe('broken safetensors files give one-line errors naming the file', () => {
  const src = join(GOLDEN, 'vae-small', 'tensors.safetensors');
  it.each([
    [
      'truncated',
      async (p: string) => {
        const b = await readFile(src);
        await writeFile(p, b.subarray(0, b.length - 100));
      },
      /truncated/,
    ],
    [
      'header longer than the file',
      async (p: string) => {
        const b = Buffer.alloc(16);
        b.writeBigUInt64LE(1000n);
        await writeFile(p, b);
      },
      /header length/,
    ],
    [
      'tiny',
      async (p: string) => {
        await writeFile(p, Buffer.alloc(3));
      },
      /only 3 bytes/,
    ],
    [
      'lying offsets',
      async (p: string) => {
        await copyFile(src, p);
        const { dataStart, header } = await rawHeader(src);
        const name = Object.keys(header)[0]!;
        const h = header[name]!;
        const fixed = { ...header, [name]: { ...h, data_offsets: [h.data_offsets[0], h.data_offsets[1] + 4] } };
        const json = Buffer.from(JSON.stringify(fixed).padEnd(dataStart - 8, ' '));
        if (json.length !== dataStart - 8) throw new Error('test header does not fit');
        const fh = await open(p, 'r+');
        await fh.write(json, 0, json.length, 8);
        await fh.close();
      },
      /spans \d+ bytes/,
    ],
  ])('%s', async (_name, corrupt, pattern) => {
    await withTempDir(async (dir) => {
      const p = join(dir, 'bad.safetensors');
      await corrupt(p);
      const err = await SafetensorsFile.open(p).then(
        (f) =>
          f.readFloat32('latents').then(
            () => undefined,
            (e: Error) => e,
          ),
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(Error);
      expect(err!.message).toMatch(pattern);
      expect(err!.message).toContain(p);
      expect(err!.message).not.toContain('\n');
    });
  });
});

describe('toFloat32 of fp16 / bf16 bytes', () => {
  const all = Buffer.alloc(65536 * 2 + 1);
  for (let h = 0; h < 65536; h++) all.writeUInt16LE(h, 1 + h * 2);
  it.each([
    ['aligned', Buffer.from(all.subarray(1))],
    ['at an odd byte offset', all.subarray(1)],
  ])('every fp16 bit pattern, %s, is the value halfToFloat gives', (_name, raw) => {
    const got = toFloat32(raw, 'F16', 'x');
    for (let h = 0; h < 65536; h++) {
      const want = Math.fround(halfToFloat(h));
      expect(Object.is(got[h], want) || (Number.isNaN(got[h]) && Number.isNaN(want)), `0x${h.toString(16)}`).toBe(true);
    }
    const bf = toFloat32(raw, 'BF16', 'x');
    for (const h of [0, 0x3f80, 0xbf80, 0x7f80, 0x4049]) expect(bf[h]).toBe(new Float32Array(new Uint32Array([h << 16]).buffer)[0]);
  });
});
