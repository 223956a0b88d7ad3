// The Ink components driven through ink-testing-library: typing, defaults on Enter, pick lists, the wizard, the progress screen.
import { render } from 'ink-testing-library';
import { describe, expect, it, vi } from 'vitest';
import { App } from '../../cli/ui/App.js';
import { ProgressScreen } from '../../cli/ui/ProgressScreen.js';
import { SelectField } from '../../cli/ui/SelectField.js';
import { TextField } from '../../cli/ui/TextField.js';
import { Wizard } from '../../cli/ui/Wizard.js';
import { INITIAL_PROGRESS, applyEvent, type ProgressState } from '../../cli/ui/progress-state.js';
import { answersToSettings, wizardFields, type Answers } from '../../cli/ui/wizard-fields.js';
import { checkGiven } from '../../cli/settings.js';
import type { Outcome, RunEvent } from '../../cli/run-generation.js';
import { TINY_DEFAULTS } from './fakes.js';

const ENTER = '\r';
const DOWN = '\u001B[B';
const CTRL_C = '\u0003';
const tick = (ms = 20) => new Promise((r) => setTimeout(r, ms));

/** Writes each key, then waits for the screen to change (and the new field's input handler to attach). */
async function type(app: { stdin: { write: (s: string) => void }; lastFrame: () => string | undefined }, ...keys: string[]) {
  for (const k of keys) {
    const before = app.lastFrame();
    app.stdin.write(k);
    for (let waited = 0; waited < 300 && app.lastFrame() === before; waited += 10) await tick(10);
    await tick(15);
  }
}

describe('TextField and SelectField draw what the flow holds', () => {
  it.each([
    [{ value: '', cursor: 0 }, 'the default', 'Prompt: the default'],
    [{ value: 'abc', cursor: 1 }, 'the default', 'Prompt: abc'],
  ])('%j over %j', (line, initial, want) => {
    expect(render(<TextField label="Prompt" initial={initial} line={line} />).lastFrame()).toContain(want);
  });

  it('a required field (no default) does not promise one', () => {
    const frame = render(<TextField label="Prompt" hint="what the video shows" initial="" line={{ value: '', cursor: 0 }} />).lastFrame();
    expect(frame).toContain('what the video shows');
    expect(frame).not.toContain('grey default');
  });

  it('the selected choice is marked', () => {
    const choices = [
      { value: 'ddim', label: 'ddim' },
      { value: 'dpmpp2m', label: 'dpmpp2m' },
    ];
    expect(render(<SelectField label="Scheduler" choices={choices} selected={1} />).lastFrame()).toContain('❯ dpmpp2m');
  });
});

function fieldsFor(flags: Record<string, string | boolean> = {}) {
  const layered = Object.fromEntries(Object.entries(flags).map(([k, v]) => [k, { value: v, label: `--${k}` }]));
  const given = checkGiven(layered);
  const env = {
    modelDefaults: async (m: string) => {
      if (m === 'bad') throw new Error('--model bad: no such folder');
      return TINY_DEFAULTS;
    },
    checkOutput: async (p: string) => {
      if (!p.endsWith('.mp4')) throw new Error(`-o ${p}: unknown output type`);
    },
  };
  return { given, ...wizardFields(given, TINY_DEFAULTS, env) };
}

describe('Wizard', () => {
  it('Enter through every field accepts the defaults', async () => {
    const { given, fields, defaults, drawnSeed } = fieldsFor();
    const onDone = vi.fn();
    const app = render(<Wizard fields={fields} onDone={onDone} />);
    await tick();
    await type(app, 'a red circle', ENTER);
    expect(app.lastFrame()).toContain('Prompt: a red circle');
    await type(app, ENTER, ENTER, ENTER, ENTER, ENTER, ENTER, ENTER, ENTER, ENTER);
    expect(app.lastFrame()).toContain('Enter: run');
    expect(onDone).not.toHaveBeenCalled();
    await type(app, ENTER);
    expect(onDone).toHaveBeenCalledTimes(1);
    const answers = onDone.mock.calls[0]![0] as Answers;
    expect(answers).toMatchObject({
      prompt: 'a red circle',
      negativePrompt: '',
      model: 'default',
      frames: '4',
      size: '32x32',
      steps: '3',
      seed: String(drawnSeed),
      freeu: 'off',
      advanced: 'no',
      output: `t2v-a-red-circle-${drawnSeed}.mp4`,
    });
    const s = answersToSettings(answers, given, defaults(), drawnSeed);
    expect(s).toMatchObject({ prompt: 'a red circle', frames: 4, width: 32, height: 32, steps: 3, seed: drawnSeed, seedDrawn: true, freeu: null, scheduler: 'ddim' });
    expect(s.model).toBeUndefined();
  });

  it('a bad answer shows its error and keeps the field; custom FreeU asks for the factors', async () => {
    const { given, fields, defaults, drawnSeed } = fieldsFor({ steps: '5' });
    const onDone = vi.fn();
    const app = render(<Wizard fields={fields} onDone={onDone} />);
    await tick();
    await type(app, ENTER);
    expect(app.lastFrame()).toContain('the prompt is empty');
    await type(app, 'a cat', ENTER, 'blurry', ENTER, 'bad', ENTER);
    expect(app.lastFrame()).toContain('--model bad: no such folder');
    // a failed check keeps the text to fix; Ctrl-U clears it, and Enter on the empty line takes the default
    expect(app.lastFrame()).toContain('Model: bad');
    await type(app, '\u0015', ENTER, '8', ENTER, '64x48', ENTER, ENTER, '42', ENTER);
    expect(app.lastFrame()).toContain('FreeU:');
    for (let i = 0; i < 8; i++) await type(app, DOWN); // off, model, 6 presets -> custom
    await type(app, ENTER);
    expect(app.lastFrame()).toContain('FreeU b1 b2 s1 s2: 1.2 1.4 0.9 0.2');
    await type(app, '1.1 1.2 0.5', ENTER);
    expect(app.lastFrame()).toContain('give four numbers');
    await type(app, ' 0.3', ENTER);
    // the advanced group: scheduler euler, guidance 7.5, own speed (DeepCache 2, guidance on the first half), fps and device as
    // they are, FreeU v2 from 0.2 until 0.1 (refused) then 0.8
    expect(app.lastFrame()).toContain('Advanced settings:');
    await type(app, DOWN, ENTER, DOWN, DOWN, ENTER, '7.5', ENTER, DOWN, DOWN, ENTER, '2', ENTER, '0,0.5', ENTER);
    await type(app, ENTER, ENTER, DOWN, ENTER, '0.2', ENTER, '0.1', ENTER);
    expect(app.lastFrame()).toContain('must be above FreeU from 0.2');
    await type(app, '\u0015' + '0.8', ENTER, 'out.gifx', ENTER);
    expect(app.lastFrame()).toContain('unknown output type');
    await type(app, '\u0015out.mp4', ENTER, ENTER);
    const answers = onDone.mock.calls[0]![0] as Answers;
    const s = answersToSettings(answers, given, defaults(), drawnSeed);
    expect(s).toMatchObject({
      prompt: 'a cat',
      negativePrompt: 'blurry',
      frames: 8,
      width: 64,
      height: 48,
      steps: 5,
      seed: 42n,
      seedDrawn: false,
      scheduler: 'euler',
      guidanceScale: 7.5,
      deepCache: { interval: 2 },
      guidanceInterval: [0, 0.5],
      output: 'out.mp4',
      freeu: { b1: 1.1, b2: 1.2, s1: 0.5, s2: 0.3, version: 2, start: 0.2, end: 0.8 },
    });
  });
});

describe('progress', () => {
  const events: RunEvent[] = [
    { phase: 'load', message: 'building the U-Net' },
    { phase: 'warning', message: 'the prompt is longer than 77 tokens and was truncated' },
    { phase: 'warning', message: 'the prompt is longer than 77 tokens and was truncated' },
    { phase: 'step', step: 3, total: 10, secondsPerStep: 1.25, etaSeconds: 75 },
    { phase: 'decode', done: 2, total: 4 },
    { phase: 'encode', done: 4, total: 16 },
  ];

  it('the reducer keeps the latest of each phase and each warning once', () => {
    const s = events.reduce(applyEvent, INITIAL_PROGRESS);
    expect(s).toMatchObject({ phase: 'encode', step: { step: 3, total: 10 }, decode: { done: 2 }, encode: { done: 4, total: 16 } });
    expect(s.warnings).toHaveLength(1);
  });

  it.each([
    [events.slice(0, 1), ['… building the U-Net']],
    [events.slice(0, 4), ['sampling  3/10', '1.25 s/step', 'ETA 1m15s', 'warning: the prompt is longer than 77 tokens']],
    [events, ['decoding 2/4', 'encoding 4/16']],
  ])('screen after %# events', (evs, texts) => {
    const state = evs.reduce(applyEvent, INITIAL_PROGRESS);
    const { lastFrame } = render(<ProgressScreen state={state} />);
    for (const t of texts) expect(lastFrame()).toContain(t);
  });

  it('done shows the output path', () => {
    const state: ProgressState = { ...INITIAL_PROGRESS, phase: 'done', output: '/tmp/x.mp4' };
    expect(render(<ProgressScreen state={state} />).lastFrame()).toContain('saved /tmp/x.mp4');
  });

  it('text from outside (paths, engine messages, errors) is shown with its control characters escaped', () => {
    const evil = '\x1b[2J\x1b]0;pwned\x07';
    const state: ProgressState = { ...applyEvent(INITIAL_PROGRESS, { phase: 'warning', message: `w${evil}` }), phase: 'failed', output: `/tmp/${evil}.mp4`, error: `e${evil}`, device: `d${evil}` };
    const frame = render(<ProgressScreen state={state} />).lastFrame() ?? '';
    expect(frame).not.toContain('\x1b[2J');
    expect(frame).not.toContain('\x07');
    expect(frame).toContain('t2v: e\\e[2J\\e]0;pwned\\x07');
    expect(frame).toContain('warning: w\\e[2J');
  });
});

describe('App', () => {
  it('Ctrl-C during the run aborts the engine', async () => {
    const interrupt = vi.fn();
    const onEnd = vi.fn();
    let reject: (e: Error) => void = () => undefined;
    const start = (_a: Answers, report: (e: RunEvent) => void) => {
      report({ phase: 'step', step: 1, total: 5, secondsPerStep: 1, etaSeconds: 4 });
      return new Promise<Outcome>((_res, rej) => (reject = rej));
    };
    const app = render(<App start={start} interrupt={interrupt} onEnd={onEnd} />);
    await tick();
    expect(app.lastFrame()).toContain('sampling 1/5');
    await type(app, CTRL_C);
    expect(interrupt).toHaveBeenCalledTimes(1);
    expect(app.lastFrame()).toContain('cancelling');
    reject(new Error('aborted'));
    await tick();
    expect(onEnd).toHaveBeenCalledWith({ error: new Error('aborted') });
  });

  it('a second Ctrl-C while cancelling leaves at once', async () => {
    const onEnd = vi.fn();
    const app = render(<App start={() => new Promise<Outcome>(() => undefined)} interrupt={() => undefined} onEnd={onEnd} />);
    await tick();
    await type(app, CTRL_C);
    expect(onEnd).not.toHaveBeenCalled();
    await type(app, CTRL_C);
    expect(onEnd).toHaveBeenCalledWith({ cancelled: true });
  });

  it('Ctrl-C in the wizard ends the session as cancelled', async () => {
    const onEnd = vi.fn();
    const { fields } = fieldsFor();
    const app = render(<App fields={fields} start={() => new Promise<Outcome>(() => undefined)} interrupt={() => undefined} onEnd={onEnd} />);
    await tick();
    await type(app, 'a cat', CTRL_C);
    expect(onEnd).toHaveBeenCalledWith({ cancelled: true });
  });
});
