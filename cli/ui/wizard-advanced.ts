// The wizard's "advanced" group: scheduler, guidance, sampling speed, fps, device and FreeU's version and step range, asked only on request.
import type { ModelDefaults } from '../../core/pipeline/defaults.js';
import type { DeviceChoice } from '../../core/pipeline/types.js';
import { parseFreeUValue } from '../../core/freeu/params.js';
import { DEVICES } from '../flags.js';
import { MAX_GUIDANCE, scalarSpec } from '../generation-settings.js';
import { DEVICE } from '../input-settings.js';
import { parseChoice } from '../parse.js';
import type { GivenFlags } from '../settings.js';
import type { Answers, WizardField } from './wizard-fields.js';
import { speedFields } from './wizard-speed.js';
import { problem } from './field-check.js';

const advanced = (a: Answers): boolean => a.advanced === 'yes';
const freeuOn = (a: Answers): boolean => advanced(a) && (a.freeu ?? 'off') !== 'off';

/** The group, after the FreeU answer; `scheduling` (the scheduler and DDIM eta fields) leads it; `defaults` follows the model. */
export function advancedFields(given: GivenFlags, defaults: () => ModelDefaults, scheduling: readonly WizardField[]): WizardField[] {
  // each answer checked by its setting's declared parser and range
  const fraction = (field: 'start' | 'end', name: string) => (raw: string) => problem(() => parseFreeUValue(field, raw, name));
  const scalar = (key: 'guidanceScale' | 'fps', name: string) => (raw: string) => problem(() => scalarSpec(key).parse(name, raw));
  return [
    {
      key: 'advanced',
      label: 'Advanced settings',
      choices: () => [
        { value: 'no', label: "no: the model's defaults (or the flags) for the rest" },
        { value: 'yes', label: 'yes: scheduler, guidance, sampling speed (--fast, DeepCache), fps, device, FreeU version and step range' },
      ],
      initial: () => 'no',
    },
    ...scheduling,
    {
      key: 'guidance',
      label: 'Guidance',
      hint: `classifier-free guidance scale, 1 .. ${MAX_GUIDANCE} (1 turns it off)`,
      when: advanced,
      initial: () => String(given.guidanceScale ?? defaults().guidanceScale),
      check: scalar('guidanceScale', 'guidance'),
    },
    ...speedFields(given, defaults, advanced),
    { key: 'fps', label: 'Frames per second', when: advanced, initial: () => String(given.fps ?? defaults().fps), check: scalar('fps', 'fps') },
    {
      key: 'device',
      label: DEVICE.wizard,
      when: advanced,
      choices: () => DEVICES.map((d) => ({ value: d, label: d === 'auto' ? 'auto (webgpu when an adapter works, else cpu)' : d })),
      initial: () => given.device,
    },
    {
      key: 'freeuVersion',
      label: 'FreeU version',
      when: freeuOn,
      choices: () => [
        { value: '1', label: '1: diffusers (constant backbone factor)' },
        { value: '2', label: '2: official repository (structure-related scaling)' },
      ],
      initial: () => String(given.freeu.version),
    },
    { key: 'freeuStart', label: 'FreeU from', hint: 'fraction of the steps, 0..1', when: freeuOn, initial: () => String(given.freeu.start), check: fraction('start', 'FreeU start') },
    {
      key: 'freeuEnd',
      label: 'FreeU until',
      hint: 'fraction of the steps, 0..1, above the start',
      when: freeuOn,
      initial: () => String(given.freeu.end),
      check: (raw, a) =>
        fraction('end', 'FreeU end')(raw) ??
        (Number(raw) <= Number(a.freeuStart ?? given.freeu.start) ? `FreeU until ${raw} must be above FreeU from ${a.freeuStart ?? given.freeu.start}` : undefined),
    },
  ];
}

/** The group's answers as the flags would have said them (unanswered: as given). */
export function advancedFromAnswers(a: Answers, given: GivenFlags): Partial<Pick<GivenFlags, 'guidanceScale' | 'fps' | 'device'>> & { freeu: Pick<GivenFlags['freeu'], 'version' | 'start' | 'end'> } {
  const on = advanced(a);
  const freeu = {
    version: (freeuOn(a) && a.freeuVersion === '2' ? 2 : freeuOn(a) && a.freeuVersion === '1' ? 1 : given.freeu.version) as 1 | 2,
    start: freeuOn(a) && a.freeuStart !== undefined ? Number(a.freeuStart) : given.freeu.start,
    end: freeuOn(a) && a.freeuEnd !== undefined ? Number(a.freeuEnd) : given.freeu.end,
  };
  if (!on) return { freeu };
  return {
    freeu,
    ...(a.guidance !== undefined ? { guidanceScale: scalarSpec('guidanceScale').parse('guidance', a.guidance) } : {}),
    ...(a.fps !== undefined ? { fps: scalarSpec('fps').parse('fps', a.fps) } : {}),
    ...(a.device !== undefined ? { device: parseChoice('device', a.device, DEVICES) as DeviceChoice } : {}),
  };
}
