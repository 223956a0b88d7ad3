// The import direction of DESIGN.md, enforced: cli -> core -> models, cli -> video; a leaf (core/common, core/errors.ts) for all.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FOLDERS = ['cli', 'core', 'models', 'video', 'bench'] as const;

/** Where a file may import from, by the folder it is in (first match wins). */
const RULES: readonly { readonly from: RegExp; readonly may: RegExp; readonly why: string }[] = [
  { from: /^core\/(common\/|errors\.ts$)/, may: /^core\/(common\/|errors\.ts$)/, why: 'the leaf imports nothing of the project' },
  { from: /^models\//, may: /^(models\/|core\/common\/|core\/errors\.ts$)/, why: 'models/ sees only itself and the leaf' },
  { from: /^video\//, may: /^(video\/|core\/common\/|core\/errors\.ts$)/, why: 'video/ sees only itself and the leaf' },
  { from: /^core\//, may: /^(core\/|models\/)/, why: 'core/ never imports cli/, video/ or bench/' },
  { from: /^cli\//, may: /^(cli\/|core\/|models\/|video\/)/, why: 'cli/ imports the engine, never bench/' },
  { from: /^bench\//, may: /^(bench\/|core\/|models\/|video\/)/, why: 'benchmarks use the engine, not the CLI' },
];
const UI_PACKAGES = /^(ink|react|ink-[\w-]+)$/;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'results' || e.name === 'default' ? [] : sources(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every static and dynamic import specifier of a file. */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"`;]*?from\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)|(?:^|\n)\s*import\s*['"]([^'"]+)['"]/g)) {
    out.push(m[1] ?? m[2] ?? m[3]!);
  }
  return out;
}

function violations(): string[] {
  const bad: string[] = [];
  for (const file of FOLDERS.flatMap(sources)) {
    const rule = RULES.find((r) => r.from.test(file));
    for (const spec of importsOf(readFileSync(join(ROOT, file), 'utf8'))) {
      if (!spec.startsWith('.')) {
        if (/^(core|models|video)\//.test(file) && UI_PACKAGES.test(spec)) bad.push(`${file} imports ${spec}: only cli/ draws the terminal UI`);
        continue;
      }
      const target = relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, '.ts');
      if (rule && !rule.may.test(target) && !rule.may.test(target.replace(/\.ts$/, '.tsx'))) bad.push(`${file} imports ${target}: ${rule.why}`);
    }
  }
  return bad;
}

describe('import direction', () => {
  it('every production import follows DESIGN.md', () => {
    expect(violations()).toEqual([]);
  });

  it.each([
    ["import { x } from '../core/errors.js';", ['../core/errors.js']],
    ["export { a, type B } from './b.js';", ['./b.js']],
    ["const m = await import('../../models/folder.js');", ['../../models/folder.js']],
    ["import type {\n  A,\n} from './types.js';", ['./types.js']],
    ["import './side-effect.js';", ['./side-effect.js']],
  ])('finds the specifier in %j', (text, expected) => {
    expect(importsOf(text)).toEqual(expected);
  });
});
