// The flags in one table (the scalar generation settings' rows come from generation-settings.ts): commander registers
// them from it, and T2V_* variables and config.json keys are derived from it.
import { Option, type Command } from 'commander';
import { SCHEDULER_NAMES } from '../core/common/types.js';
import { DEVICE_CHOICES } from '../core/runtime/device-names.js';
import { PRECISION_SETTING, SCALAR_SETTINGS } from './generation-settings.js';

export interface FlagSpec {
  /** camelCase name: commander's attribute and the config.json key. */
  readonly key: string;
  readonly flags: string;
  readonly description: string;
  /** Shown as "(default: ...)" in --help. */
  readonly defaultText?: string;
  readonly bool?: boolean;
  /** May come from T2V_* or config.json. */
  readonly configurable: boolean;
}

export const SCHEDULERS = SCHEDULER_NAMES;
export const DEVICES = DEVICE_CHOICES;

export const GENERATION_FLAGS: readonly FlagSpec[] = [
  { key: 'prompt', flags: '-p, --prompt <text>', description: 'what the video shows (or give it as the first argument)', configurable: false },
  { key: 'negativePrompt', flags: '-n, --negative-prompt <text>', description: 'what to steer away from', defaultText: 'none', configurable: true },
  { key: 'model', flags: '-m, --model <folder|hub id|name>', description: 'a diffusers folder, a Hub id in the HF cache (org/name[@rev]) or "default"', defaultText: 'default, the embedded model', configurable: true },
  { key: 'revision', flags: '--revision <rev>', description: 'Hub revision (commit or branch) of a Hub id --model; same as org/name@rev; ignored for folders', defaultText: 'main', configurable: true },
  { key: 'seed', flags: '-s, --seed <n>', description: 'random seed, 0 .. 2^64-1 (torch.manual_seed compatible)', defaultText: 'drawn at random and printed', configurable: true },
  SCALAR_SETTINGS.steps.flag,
  SCALAR_SETTINGS.guidanceScale.flag,
  { key: 'cfgScale', flags: '--cfg-scale <scale>', description: 'alias of --guidance', configurable: false },
  SCALAR_SETTINGS.frames.flag,
  SCALAR_SETTINGS.fps.flag,
  SCALAR_SETTINGS.width.flag,
  SCALAR_SETTINGS.height.flag,
  SCALAR_SETTINGS.scheduler.flag,
  SCALAR_SETTINGS.eta.flag,
  { key: 'freeu', flags: '--freeu', description: "turn FreeU on with the model's preset", defaultText: 'off', bool: true, configurable: true },
  { key: 'noFreeu', flags: '--no-freeu', description: 'turn FreeU off (wins over config, T2V_FREEU and the other FreeU flags)', bool: true, configurable: false },
  { key: 'b1', flags: '--b1 <x>', description: 'FreeU backbone factor at up_blocks[0], 0..5 (implies --freeu)', defaultText: "the preset's", configurable: true },
  { key: 'b2', flags: '--b2 <x>', description: 'FreeU backbone factor at up_blocks[1], 0..5 (implies --freeu)', defaultText: "the preset's", configurable: true },
  { key: 's1', flags: '--s1 <x>', description: 'FreeU skip low-frequency factor at up_blocks[0], 0..5 (implies --freeu)', defaultText: "the preset's", configurable: true },
  { key: 's2', flags: '--s2 <x>', description: 'FreeU skip low-frequency factor at up_blocks[1], 0..5 (implies --freeu)', defaultText: "the preset's", configurable: true },
  { key: 'freeuVersion', flags: '--freeu-version <1|2>', description: '1: diffusers (constant backbone factor), 2: official repo (structure-related scaling)', defaultText: '1', configurable: true },
  { key: 'freeuPreset', flags: '--freeu-preset <name>', description: 'FreeU factors by name: modelscope, zeroscope, sd14, sd15, sd21, sdxl (implies --freeu)', defaultText: "the model's", configurable: true },
  { key: 'freeuStart', flags: '--freeu-start <fraction>', description: 'apply FreeU from this fraction of the steps, 0..1', defaultText: '0', configurable: true },
  { key: 'freeuEnd', flags: '--freeu-end <fraction>', description: 'apply FreeU until this fraction of the steps, 0..1', defaultText: '1', configurable: true },
  { key: 'fast', flags: '--fast', description: "the model's measured speed/quality trade-off (DeepCache, guidance interval; t2v.json fast); flags below override it", defaultText: 'off', bool: true, configurable: true },
  { key: 'deepCache', flags: '--deep-cache <n>', description: 'DeepCache: the whole U-Net every n steps, its cached deep feature in between (1 = off)', defaultText: '1, off', configurable: true },
  { key: 'deepCacheBranch', flags: '--deep-cache-branch <k>', description: "which skip of the U-Net's last up block the cached steps keep: 0 = the shallowest (fastest)", defaultText: '0', configurable: true },
  { key: 'deepCacheSchedule', flags: '--deep-cache-schedule <name>', description: "which steps run the whole U-Net: uniform | non-uniform (DeepCache's, denser early)", defaultText: 'uniform', configurable: true },
  { key: 'guidanceInterval', flags: '--guidance-interval <a,b>', description: 'classifier-free guidance only on steps in [a, b) (fractions of the steps); the others run the conditional half alone', defaultText: '0,1, every step', configurable: true },
  { key: 'output', flags: '-o, --output <path>', description: 'video file (.mp4 .webm .gif), PNG frames (name%03d.png or dir/)', defaultText: './t2v-<prompt>-<seed>.mp4', configurable: true },
  { key: 'device', flags: '--device <name>', description: `where the networks run: ${DEVICES.join(' | ')}; auto picks webgpu when an adapter exists`, defaultText: 'auto', configurable: true },
  PRECISION_SETTING.flag,
  { key: 'threads', flags: '--threads <n>', description: 'CPU threads for onnxruntime, at most the number of cores', defaultText: 'the number of cores', configurable: true },
  { key: 'maxMemory', flags: '--max-memory <size>', description: 'memory a run may use, e.g. 12G; a run estimated above it is refused before loading (0: no check)', defaultText: 'the memory limit of this machine or cgroup', configurable: true },
  { key: 'overwrite', flags: '--overwrite', description: 'replace an existing output file', defaultText: 'off', bool: true, configurable: true },
];

/** Flags every command takes: how much it says and in which form. */
export const REPORT_FLAGS: readonly FlagSpec[] = [
  { key: 'json', flags: '--json', description: 'print exactly one JSON object on stdout (progress stays on stderr); no wizard', defaultText: 'off', bool: true, configurable: true },
  { key: 'quiet', flags: '-q, --quiet', description: 'print no progress', defaultText: 'off', bool: true, configurable: true },
  { key: 'preview', flags: '--preview', description: 'draw the clean-image estimate every few steps while sampling (terminal only)', defaultText: 'on in a terminal, off otherwise', bool: true, configurable: true },
  { key: 'noPreview', flags: '--no-preview', description: 'no live preview', bool: true, configurable: false },
  { key: 'previewPath', flags: '--preview-path <file.png>', description: 'also write the live preview to this PNG (replaced at each update; works without a terminal)', defaultText: 'none', configurable: true },
  { key: 'previewInterval', flags: '--preview-interval <n>', description: 'preview every n sampling steps', defaultText: 'a tenth of the steps, at least 1', configurable: true },
  { key: 'verbose', flags: '-v, --verbose', description: 'say more (load messages, stack traces of unexpected errors)', defaultText: 'off', bool: true, configurable: true },
];

/** Hidden aliases for the names other tools use (diffusers' kwargs, stable-diffusion.cpp's flags): same value, same checks. */
export const FLAG_ALIASES: readonly { readonly flags: string; readonly attr: string; readonly key: string }[] = [
  { flags: '--num-frames <n>', attr: 'numFrames', key: 'frames' },
  { flags: '--video-frames <n>', attr: 'videoFrames', key: 'frames' },
  { flags: '--num-inference-steps <n>', attr: 'numInferenceSteps', key: 'steps' },
  { flags: '--guidance-scale <scale>', attr: 'guidanceScale', key: 'guidance' },
  { flags: '--sampling-method <name>', attr: 'samplingMethod', key: 'scheduler' },
];

/** The environment variable that fills a flag: T2V_ + the long name in upper snake case. */
export function envName(spec: FlagSpec): string {
  return `T2V_${longName(spec).toUpperCase().replace(/-/g, '_')}`;
}

/** `--negative-prompt` for the negativePrompt spec. */
export function longName(spec: FlagSpec): string {
  const m = /--([a-z0-9-]+)/.exec(spec.flags);
  return m ? m[1]! : spec.key;
}

export function flagLabel(spec: FlagSpec): string {
  return `--${longName(spec)}`;
}

export function addFlags(cmd: Command, specs: readonly FlagSpec[], exclude: readonly string[] = []): Command {
  for (const spec of specs) {
    if (exclude.includes(spec.key)) continue;
    const text = spec.defaultText ? `${spec.description} (default: ${spec.defaultText})` : spec.description;
    cmd.addOption(new Option(spec.flags, text));
  }
  if (specs === GENERATION_FLAGS) for (const a of FLAG_ALIASES) if (!exclude.includes(a.key)) cmd.addOption(new Option(a.flags).hideHelp());
  return cmd;
}
