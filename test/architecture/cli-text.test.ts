// CLI text is built only in cli/: no string in core/, models/ or video/ spells a flag; they name settings (settingRef) and cli/ spells them.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const FOLDERS = ['core', 'models', 'video'] as const;

/** A long flag (`--overwrite`), or a short one standing as a word in a sentence (`choose another -o`; a lone `-y` is an argument). */
const LONG = /(?:^|[^\w-])--[a-z]/;
const SHORT = /(?:^|[\s(])-[A-Za-z](?=$|[\s:,;)])/;
const spellsFlag = (s: string): boolean => LONG.test(s) || (/\s/.test(s) && SHORT.test(s));

/** Strings that are not messages: what a child process is started with. Each must still be there (a stale entry fails). */
const NOT_MESSAGES: readonly { readonly file: string; readonly text: string }[] = [{ file: 'core/runtime/webgpu-probe.ts', text: '--input-type=module' }];

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'default' ? [] : sources(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** Every string literal's text (quoted strings and each literal part of a template), comments left out. */
export function stringsOf(text: string, file = 'x.ts'): string[] {
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) out.push(node.text);
    else if (ts.isTemplateExpression(node)) out.push(node.head.text, ...node.templateSpans.map((s) => s.literal.text));
    // an import's specifier is not text the user reads
    if (!ts.isImportDeclaration(node) && !ts.isExportDeclaration(node)) ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS));
  return out;
}

function flagStrings(): { file: string; text: string }[] {
  return FOLDERS.flatMap(sources).flatMap((file) =>
    stringsOf(readFileSync(join(ROOT, file), 'utf8'), file)
      .filter(spellsFlag)
      .map((text) => ({ file, text })),
  );
}

describe('CLI text only in cli/', () => {
  it('no string under core/, models/ or video/ spells a flag', () => {
    const files = FOLDERS.flatMap(sources);
    expect(files.length).toBeGreaterThan(100);
    const found = flagStrings();
    const allowed = (f: { file: string; text: string }): boolean => NOT_MESSAGES.some((n) => n.file === f.file && n.text === f.text);
    expect(found.filter((f) => !allowed(f))).toEqual([]);
    // the scan sees the one string it lets pass, so it reads the files it claims to
    for (const n of NOT_MESSAGES) expect(found, `${n.file}: ${n.text}`).toContainEqual(n);
  });

  it.each([
    ['throw new UsageError(`${path} exists; pass --overwrite to replace it`);', true],
    ["throw new UsageError('-o: empty output path');", true],
    ['throw new T2vError(`cannot write ${dir}; choose another -o`);', true],
    ['const m = "use --precision fp32";', true],
    ['// pass --overwrite (a comment)\nconst x = 1;', false],
    ["/** Resolves `--model`. */\nexport const y = 'model';", false],
    ['throw new UsageError(`${settingRef("overwrite")}: pass it`);', false],
    ["const range = 'between -1 and 1';", false],
    ["const args = ['-y', '-f', 'rawvideo'];", false],
    ["import { x } from '../--odd/name.js';", false],
  ] as const)('finds a flag in %j: %s', (text, expected) => {
    expect(stringsOf(text).some(spellsFlag)).toBe(expected);
  });
});
