// The generation parameters stored in every output, and their JSON form (write, read back, validate).
import { ETA_RANGE, isSchedulerName, MAX_SEED, SCHEDULER_NAMES, type FreeUSettings, type SchedulerName } from '../core/common/types.js';
import { T2vError } from '../core/errors.js';

export type { SchedulerName as Scheduler } from '../core/common/types.js';

/** FreeU settings; the numbers are kept when it is off so a comparison run can say what "on" meant. */
export interface FreeUMetadata extends FreeUSettings {
  readonly enabled: boolean;
}

/** Present on side-by-side and grid outputs: what the panels are. */
export interface CompositeMetadata {
  readonly layout: 'side-by-side' | 'grid';
  readonly rows: readonly string[];
  readonly columns: readonly string[];
  /** The command and its own flags that remake the whole composite, e.g. ['sweep', '--b1', '1,1.2']. */
  readonly command?: readonly string[];
}

export interface GenerationMetadata {
  /** Version of t2v that wrote the file; also marks the JSON as ours. */
  readonly t2v: string;
  readonly prompt: string;
  /** '' when none was given. */
  readonly negativePrompt: string;
  /** Decimal digits: seeds go up to 2^64-1, which a JSON number cannot hold exactly. */
  readonly seed: string;
  readonly steps: number;
  readonly guidance: number;
  readonly scheduler: SchedulerName;
  /** DDIM's eta; absent in files written before it was stored (they used 0). */
  readonly eta?: number;
  readonly frames: number;
  readonly fps: number;
  /** Generated size, before any padding the encoder needed. */
  readonly width: number;
  readonly height: number;
  readonly model: { readonly id: string; readonly revision: string };
  readonly freeu: FreeUMetadata;
  /** --fast, DeepCache and the guidance interval (null = off); absent in files from before they existed. */
  readonly sampling?: {
    readonly fast: boolean;
    readonly deepCache: { readonly interval: number; readonly branch: number; readonly schedule: 'uniform' | 'non-uniform'; readonly lastFull?: number } | null;
    readonly guidanceInterval: readonly [number, number] | null;
  };
  readonly device: string;
  /** fp32 or fp16; absent in files from before --precision (they are fp32). */
  readonly precision?: string;
  /** Set by the writer when the codec needed even sides: the last column/row repeated at the right/bottom. */
  readonly padded?: { readonly from: readonly [number, number]; readonly to: readonly [number, number] };
  readonly composite?: CompositeMetadata;
}

/** JSON on one line; `ascii` escapes non-ASCII as \uXXXX for containers whose text is Latin-1 (PNG tEXt, GIF comments). */
export function serializeMetadata(meta: GenerationMetadata, ascii = false): string {
  const json = JSON.stringify(meta);
  return ascii ? json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const num: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const posInt: Check = (v) => Number.isSafeInteger(v) && (v as number) > 0;
const pair: Check = (v) => Array.isArray(v) && v.length === 2 && v.every(posInt);
const strings: Check = (v) => Array.isArray(v) && v.every(str);
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const FIELDS: ReadonlyArray<readonly [string, Check, string]> = [
  ['t2v', str, 'a version string'],
  ['prompt', str, 'a string'],
  ['negativePrompt', str, 'a string'],
  ['seed', (v) => typeof v === 'string' && /^\d{1,20}$/.test(v) && BigInt(v) <= MAX_SEED, 'a decimal string, 0 .. 2^64-1'],
  ['steps', posInt, 'a positive integer'],
  ['guidance', num, 'a number'],
  ['scheduler', (v) => typeof v === 'string' && isSchedulerName(v), SCHEDULER_NAMES.join('|')],
  ['frames', posInt, 'a positive integer'],
  ['fps', (v) => num(v) && (v as number) > 0, 'a positive number'],
  ['width', posInt, 'a positive integer'],
  ['height', posInt, 'a positive integer'],
  ['model.id', str, 'a string'],
  ['model.revision', str, 'a string'],
  ['freeu.enabled', (v) => typeof v === 'boolean', 'true or false'],
  ['freeu.version', (v) => v === 1 || v === 2, '1 or 2'],
  ['freeu.b1', num, 'a number'],
  ['freeu.b2', num, 'a number'],
  ['freeu.s1', num, 'a number'],
  ['freeu.s2', num, 'a number'],
  ['freeu.start', num, 'a number'],
  ['freeu.end', num, 'a number'],
  ['device', str, 'a string'],
];

const OPTIONAL: ReadonlyArray<readonly [string, Check, string]> = [
  ['precision', (v) => v === 'fp32' || v === 'fp16', 'fp32|fp16'],
  ['eta', (v) => num(v) && (v as number) >= ETA_RANGE.min && (v as number) <= ETA_RANGE.max, `a number in [${ETA_RANGE.min}, ${ETA_RANGE.max}]`],
  ['padded.from', pair, '[width, height]'],
  ['padded.to', pair, '[width, height]'],
  ['composite.layout', (v) => v === 'side-by-side' || v === 'grid', 'side-by-side|grid'],
  ['composite.rows', strings, 'a list of strings'],
  ['composite.columns', strings, 'a list of strings'],
  // written since composite videos remember their command; older files have none
  ['composite.command', (v) => v === undefined || strings(v), 'a list of strings'],
  ['sampling.fast', (v) => typeof v === 'boolean', 'true or false'],
  [
    'sampling.deepCache',
    (v) =>
      v === null ||
      (isObj(v) &&
        posInt(v.interval) &&
        Number.isSafeInteger(v.branch) &&
        (v.branch as number) >= 0 &&
        (v.schedule === 'uniform' || v.schedule === 'non-uniform') &&
        (v.lastFull === undefined || posInt(v.lastFull))),
    'null or {interval, branch, schedule, lastFull?}',
  ],
  ['sampling.guidanceInterval', (v) => v === null || (Array.isArray(v) && v.length === 2 && v.every(num) && 0 <= v[0] && v[0] < v[1] && v[1] <= 1), 'null or [a, b] with 0 <= a < b <= 1'],
];

function lookup(root: Record<string, unknown>, path: string): unknown {
  let v: unknown = root;
  for (const key of path.split('.')) v = isObj(v) ? v[key] : undefined;
  return v;
}

/** Parses and checks stored metadata; `where` names the file in the one-line error. */
export function parseMetadata(json: string, where = 'metadata'): GenerationMetadata {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new T2vError(`${where}: the stored metadata is not valid JSON`);
  }
  if (!isObj(value) || typeof value.t2v !== 'string') throw new T2vError(`${where}: the stored comment is not t2v metadata`);
  for (const [path, ok, want] of FIELDS) {
    if (!ok(lookup(value, path))) throw new T2vError(`${where}: t2v metadata field ${path} should be ${want}`);
  }
  for (const [path, ok, want] of OPTIONAL) {
    const top = path.split('.')[0]!;
    if (value[top] !== undefined && !ok(lookup(value, path))) throw new T2vError(`${where}: t2v metadata field ${path} should be ${want}`);
  }
  // Every field was checked above, so the object has the declared shape.
  return value as unknown as GenerationMetadata;
}
