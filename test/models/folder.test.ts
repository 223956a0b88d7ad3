import { cp, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inFlagTerms } from '../../cli/setting-flags.js';
import { findInHfCache, openModelFolder, readPartConfig, resolveModel } from '../../models/folder.js';
import { golden, withTempDir } from '../helpers.js';

const TINY = golden('pipeline-tiny', 'model');

describe('model folders', () => {
  it('opens the tiny pipeline and reads every part config', async () => {
    const folder = await openModelFolder(TINY, 'tiny');
    for (const part of ['unet', 'vae', 'text_encoder', 'tokenizer', 'scheduler'] as const) {
      await expect(readPartConfig(folder, part)).resolves.toBeTypeOf('object');
    }
    expect((await readPartConfig(folder, 'unet')).block_out_channels).toEqual([16, 32, 32]);
  });

  it.each([
    ['a missing model_index.json', async (d: string) => rm(join(d, 'model_index.json')), /model_index\.json is missing/],
    ['a missing unet config.json', async (d: string) => rm(join(d, 'unet', 'config.json')), /unet.config\.json is missing/],
    ['an unknown unet _class_name', async (d: string) => writeFile(join(d, 'unet', 'config.json'), '{"_class_name": "UNet2DConditionModel"}'), /unet class "UNet2DConditionModel" is not supported/],
    ['an unknown pipeline class', async (d: string) => writeFile(join(d, 'model_index.json'), '{"_class_name": "StableDiffusionPipeline"}'), /"StableDiffusionPipeline" is not supported/],
  ])('%s gives a one-line error', async (_what, corrupt, pattern) => {
    await withTempDir(async (dir) => {
      const root = join(dir, 'm');
      await cp(TINY, root, { recursive: true });
      await corrupt(root);
      const err = await openModelFolder(root, 'm')
        .then((f) => readPartConfig(f, 'unet'))
        .then(
          () => undefined,
          (e: Error) => e,
        );
      expect(err?.message).toMatch(pattern);
      expect(err?.message).not.toContain('\n');
    });
  });

  it('finds a Hub id in the Hugging Face cache, through refs/main and HF_HUB_CACHE', async () => {
    await withTempDir(async (dir) => {
      const repo = join(dir, 'models--org--tiny');
      await mkdir(join(repo, 'refs'), { recursive: true });
      await writeFile(join(repo, 'refs', 'main'), 'abc1230000000000000000000000000000000000\n');
      await cp(TINY, join(repo, 'snapshots', 'abc1230000000000000000000000000000000000'), { recursive: true });
      const env = { HF_HUB_CACHE: dir };
      expect(await findInHfCache('org/tiny', 'main', env)).toEqual({ dir: join(repo, 'snapshots', 'abc1230000000000000000000000000000000000'), revision: 'abc1230000000000000000000000000000000000' });
      const model = await resolveModel('org/tiny', env);
      expect(model).toMatchObject({ id: 'org/tiny', revision: 'abc1230000000000000000000000000000000000' });
      await expect(resolveModel('org/other', env)).rejects.toThrow(/org\/other is not in the Hugging Face cache/);
    });
  });

  it('HF_HOME/hub is used when HF_HUB_CACHE is unset', async () => {
    await withTempDir(async (dir) => {
      await cp(TINY, join(dir, 'hub', 'models--a--b', 'snapshots', '1111111111111111111111111111111111111111'), { recursive: true });
      expect((await findInHfCache('a/b', 'main', { HF_HOME: dir }))?.revision).toBe('1111111111111111111111111111111111111111');
    });
  });

  it('a path that does not exist is a usage error', async () => {
    await expect(resolveModel('/no/such/dir').catch((e: unknown) => Promise.reject(inFlagTerms(e)))).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/--model \/no\/such\/dir: no such folder/),
    });
  });
});
