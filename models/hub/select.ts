// Which files of a repository a pull fetches: what t2v reads (configs, tokenizer, one weight format and variant per part) plus --include globs.
import { posix } from 'node:path';
import picomatch from 'picomatch';
import type { RemoteFile } from './tree.js';

export interface SelectOptions {
  /** `fp16` picks `<stem>.fp16.safetensors` (and its shards) where a part has them, as diffusers' `variant=` does. */
  readonly variant?: string;
  /** Globs of extra files; a glob without `/` matches the file name in any folder. */
  readonly include?: readonly string[];
  /** The part folders model_index.json names; undefined when the repository has none (then every folder counts). */
  readonly parts?: readonly string[];
}

export interface Selection {
  readonly files: RemoteFile[];
  readonly skipped: RemoteFile[];
}

/** `stem[.variant][-00001-of-00002].(safetensors|bin)` */
const WEIGHT = /^(?<stem>[^.]+?)(?:\.(?<variant>[A-Za-z0-9_]+))?(?:-\d+-of-\d+)?\.(?<format>safetensors|bin)$/;
const TEXT = /\.(json|txt)$/;

/** The part folders of a model_index.json: its keys whose value is `[library, class]`, as diffusers' pipeline loader reads them. */
export function pipelineParts(index: unknown): string[] | undefined {
  if (typeof index !== 'object' || index === null || Array.isArray(index)) return undefined;
  return Object.entries(index)
    .filter(([k, v]) => !k.startsWith('_') && Array.isArray(v) && v.length === 2 && typeof v[0] === 'string' && typeof v[1] === 'string')
    .map(([k]) => k);
}

function weightInfo(f: RemoteFile): { variant: string | undefined; format: string } | undefined {
  const m = WEIGHT.exec(posix.basename(f.path));
  return m?.groups ? { variant: m.groups.variant, format: m.groups.format! } : undefined;
}

/** The weights t2v reads from one folder: safetensors over .bin; the asked variant, else plain files, else fp16 (t2v falls back to it). */
function pickWeights(files: readonly RemoteFile[], variant: string | undefined): RemoteFile[] {
  const infos = files.map((f) => ({ f, w: weightInfo(f)! }));
  const format = infos.some((i) => i.w.format === 'safetensors') ? 'safetensors' : 'bin';
  const ofFormat = infos.filter((i) => i.w.format === format);
  const order = variant ? [variant, undefined] : [undefined, 'fp16'];
  for (const v of order) {
    const picked = ofFormat.filter((i) => i.w.variant === v);
    if (picked.length > 0) return picked.map((i) => i.f);
  }
  return [];
}

export function selectFiles(all: readonly RemoteFile[], opts: SelectOptions = {}): Selection {
  const inPart = (dir: string): boolean => (opts.parts ? opts.parts.includes(dir) : true);
  const wanted = new Set<RemoteFile>();
  const weightsByDir = new Map<string, RemoteFile[]>();
  for (const f of all) {
    const dir = posix.dirname(f.path) === '.' ? '' : posix.dirname(f.path);
    const known = dir === '' || inPart(dir);
    if (known && TEXT.test(f.path)) wanted.add(f);
    // weights live in part folders (a root checkpoint is only read when there is no model_index.json)
    else if (weightInfo(f) && (opts.parts ? opts.parts.includes(dir) : true)) weightsByDir.set(dir, [...(weightsByDir.get(dir) ?? []), f]);
  }
  for (const files of weightsByDir.values()) for (const f of pickWeights(files, opts.variant)) wanted.add(f);
  if (opts.include?.length) {
    // picomatch's own `basename` option misses globs with a folder in them when mixed with others: match each by hand
    const globs = opts.include.map((g) => ({ match: picomatch(g, { dot: true }), whole: g.includes('/') }));
    for (const f of all) if (globs.some((g) => g.match(g.whole ? f.path : posix.basename(f.path)))) wanted.add(f);
  }
  return { files: all.filter((f) => wanted.has(f)), skipped: all.filter((f) => !wanted.has(f)) };
}
