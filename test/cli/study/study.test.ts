// A whole FreeU study: 6 prompts x 2 seeds made on the tiny model, rated with the keyboard in headless Chromium, votes exported and summarised.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'dist/cli/index.js');
const TINY = join(ROOT, 'test/fixtures/golden/pipeline-tiny/model');
const CHROMIUM = '/usr/bin/chromium';
const ENV = { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test', NO_COLOR: '1' };

function t2v(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env: ENV, encoding: 'utf8', timeout: 240_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('t2v study', () => {
  it('generates 12 pairs, a rater votes through them in Chromium, results count exactly what was clicked', async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium; .ci/run does it)`);
    const root = mkdtempSync(join(tmpdir(), 't2v-study-'));
    const prompts = join(root, 'p.txt');
    writeFileSync(
      prompts,
      ['a red circle moving left', 'a blue square moving up', 'a green triangle moving right', 'a yellow circle moving down', 'a white square moving left', 'a red triangle moving up'].join('\n'),
    );
    const out = join(root, 'study');
    const made = t2v(['study', prompts, '--out', out, '--seeds', '2', '--model', TINY, '--steps', '2', '--frames', '4', '-W', '32', '-H', '32', '--seed', '7', '--device', 'cpu', '--json']);
    expect(made.code).toBe(0);
    expect(JSON.parse(made.stdout)).toMatchObject({ pairs: 12, done: 24, failed: 0 });
    const study = JSON.parse(readFileSync(join(out, 'study.json'), 'utf8')) as { id: string; pairs: { id: string; prompt: string }[] };

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    try {
      const page = await browser.newPage({ acceptDownloads: true });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`file://${join(out, 'index.html')}`);
      // the first pair plays: both videos load their WebM from file://
      await page.waitForFunction(() => (document.getElementById('left') as HTMLVideoElement).readyState >= 2 && (document.getElementById('right') as HTMLVideoElement).readyState >= 2);
      const seen = new Set<string>();
      // a fixed script of answers by side; what they mean (FreeU or not) depends on the page's random sides
      const keys = ['ArrowLeft', 'ArrowRight', 's'];
      for (let i = 0; i < 24; i++) {
        seen.add((await page.textContent('#prompt')) ?? '');
        await page.keyboard.press(keys[i % 3]!);
      }
      expect(await page.isVisible('#done')).toBe(true);
      expect(seen.size).toBe(6);
      const download = page.waitForEvent('download');
      await page.keyboard.press('e');
      const votesFile = join(root, (await download).suggestedFilename());
      await (await download).saveAs(votesFile);
      expect(errors).toEqual([]);

      const exported = JSON.parse(readFileSync(votesFile, 'utf8')) as { study: string; votes: { choice: string; question: string; freeuSide: string }[] };
      expect(exported.study).toBe(study.id);
      expect(exported.votes).toHaveLength(24);
      // what each key meant, recomputed from the sides the page reported
      const expected = { quality: { freeu: 0, base: 0, same: 0 }, alignment: { freeu: 0, base: 0, same: 0 } };
      exported.votes.forEach((v, i) => {
        const key = keys[i % 3]!;
        const meant = key === 's' ? 'same' : (key === 'ArrowLeft') === (v.freeuSide === 'left') ? 'freeu' : 'base';
        expect(v.choice).toBe(meant);
        expected[v.question as 'quality' | 'alignment'][meant]++;
      });
      const res = t2v(['study', 'results', out, votesFile, '--json']);
      expect(res.code).toBe(0);
      const results = JSON.parse(res.stdout) as { raters: number; overall: Record<string, { freeu: number; base: number; same: number; low: number; high: number }> };
      expect(results.raters).toBe(1);
      for (const q of ['quality', 'alignment'] as const) {
        expect(results.overall[q]).toMatchObject(expected[q]);
        expect(results.overall[q]!.low).toBeLessThan(results.overall[q]!.high);
      }
      const png = readFileSync(join(out, 'results.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const table = t2v(['study', 'results', out, votesFile]);
      expect(table.stdout).toMatch(/all\s+quality\s+\d+\s+\d+\s+\d+\s+[\d.]+%\s+[\d.]+% - [\d.]+%\s+1/);
    } finally {
      await browser.close();
    }
  });
});
