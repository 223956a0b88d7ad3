// The flags in one table, the generation settings' rows taken from their declarations (generation-settings.ts,
// input-settings.ts, freeu-setting.ts, speed.ts): commander registers them, T2V_* and config.json keys derive from it.
import { Option, type Command } from 'commander';
import { DEVICE_CHOICES } from '../core/runtime/device-names.js';
import { envName, flagLabel, longName, type FlagSpec } from './flag-spec.js';
import { FREEU_SETTING } from './freeu-setting.js';
import { PRECISION_SETTING, SCALAR_SETTINGS, THREADS_SETTING } from './generation-settings.js';
import { DEVICE, MODEL, NEGATIVE_PROMPT, PROMPT, SEED } from './input-settings.js';
import { SPEED_SETTING } from './speed.js';

export { envName, flagLabel, longName, type FlagSpec };

export const DEVICES = DEVICE_CHOICES;

/** Every generation flag in --help order: the declared settings' rows, then where the result goes. */
export const GENERATION_FLAGS: readonly FlagSpec[] = [
  ...PROMPT.flags,
  ...NEGATIVE_PROMPT.flags,
  ...MODEL.flags,
  ...SEED.flags,
  SCALAR_SETTINGS.steps.flag,
  SCALAR_SETTINGS.guidanceScale.flag,
  { key: 'cfgScale', flags: '--cfg-scale <scale>', description: 'alias of --guidance', configurable: false },
  SCALAR_SETTINGS.frames.flag,
  SCALAR_SETTINGS.fps.flag,
  SCALAR_SETTINGS.width.flag,
  SCALAR_SETTINGS.height.flag,
  SCALAR_SETTINGS.scheduler.flag,
  SCALAR_SETTINGS.eta.flag,
  ...FREEU_SETTING.flags,
  ...SPEED_SETTING.flags,
  { key: 'output', flags: '-o, --output <path>', description: 'video file (.mp4 .webm .gif), PNG frames (name%03d.png or dir/)', defaultText: './t2v-<prompt>-<seed>.mp4', configurable: true },
  ...DEVICE.flags,
  PRECISION_SETTING.flag,
  THREADS_SETTING.flag,
  {
    key: 'maxMemory',
    flags: '--max-memory <size>',
    description: 'memory a run may use, e.g. 12G; a run estimated above it is refused before loading (0: no check)',
    defaultText: 'the memory limit of this machine or cgroup',
    configurable: true,
  },
  { key: 'overwrite', flags: '--overwrite', description: 'replace an existing output file', defaultText: 'off', bool: true, configurable: true },
];

/** Flags every command takes: how much it says and in which form. */
export const REPORT_FLAGS: readonly FlagSpec[] = [
  { key: 'json', flags: '--json', description: 'print exactly one JSON object on stdout (progress stays on stderr); no wizard', defaultText: 'off', bool: true, configurable: true },
  { key: 'quiet', flags: '-q, --quiet', description: 'print no progress', defaultText: 'off', bool: true, configurable: true },
  {
    key: 'preview',
    flags: '--preview',
    description: 'draw the clean-image estimate every few steps while sampling (terminal only)',
    defaultText: 'on in a terminal, off otherwise',
    bool: true,
    configurable: true,
  },
  { key: 'noPreview', flags: '--no-preview', description: 'no live preview', bool: true, configurable: false },
  {
    key: 'previewPath',
    flags: '--preview-path <file.png>',
    description: 'also write the live preview to this PNG (replaced at each update; works without a terminal)',
    defaultText: 'none',
    configurable: true,
  },
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

export function addFlags(cmd: Command, specs: readonly FlagSpec[], exclude: readonly string[] = []): Command {
  for (const spec of specs) {
    if (exclude.includes(spec.key)) continue;
    const text = spec.defaultText ? `${spec.description} (default: ${spec.defaultText})` : spec.description;
    cmd.addOption(new Option(spec.flags, text));
  }
  if (specs === GENERATION_FLAGS) for (const a of FLAG_ALIASES) if (!exclude.includes(a.key)) cmd.addOption(new Option(a.flags).hideHelp());
  return cmd;
}

/** --json of the commands that only report (info, doctor, verify, models): one JSON object. */
export function jsonOption(description = 'print one JSON object (default: off)'): Option {
  return new Option('--json', description);
}

/** -v of the commands that only report: stack traces of unexpected errors. */
export function verboseOption(): Option {
  return new Option('-v, --verbose', 'stack traces of unexpected errors (default: off)');
}
