// The wizard's state machine without a terminal: keys in order at any speed, back, the review screen, async checks.
import { describe, expect, it, vi } from 'vitest';
import { chunkActions, type EditAction } from '../../../cli/ui/line-edit.js';
import { WizardFlow } from '../../../cli/ui/wizard-flow.js';
import type { Answers, WizardField } from '../../../cli/ui/wizard-fields.js';

const FIELDS: WizardField[] = [
  { key: 'prompt', label: 'Prompt', initial: () => '', check: (raw) => (raw.trim() ? undefined : 'the prompt is empty') },
  { key: 'model', label: 'Model', initial: () => 'default', check: async (raw) => (raw === 'bad' ? 'no such model' : undefined) },
  {
    key: 'freeu',
    label: 'FreeU',
    initial: () => 'off',
    choices: () => [
      { value: 'off', label: 'off' },
      { value: 'custom', label: 'my own' },
    ],
  },
  { key: 'factors', label: 'Factors', initial: () => '1 1 1 1', when: (a) => a.freeu === 'custom' },
  { key: 'steps', label: 'Steps', initial: () => '25' },
];

function flowOf(answers?: Answers) {
  const onDone = vi.fn();
  const flow = new WizardFlow(FIELDS, { onChange: () => undefined, onDone, ...(answers ? { answers } : {}) });
  return { flow, onDone };
}
const settle = () => new Promise((r) => setTimeout(r, 0));
const k = (kind: EditAction['kind']): EditAction => ({ kind }) as EditAction;

describe('WizardFlow', () => {
  it('a whole answer and Enter in one chunk, then more keys before any render: nothing lost, in order', async () => {
    const { flow, onDone } = flowOf();
    // the model check is async: the keys after it wait in the queue and then apply to the next fields
    flow.feed(chunkActions('a red circle\r\r'));
    flow.feed([k('down'), k('submit'), ...chunkActions('1.2 1.4 0.9 0.2\r10\r\r')]);
    await settle();
    expect(flow.snapshot().screen.kind).toBe('done');
    expect(onDone).toHaveBeenCalledWith({ prompt: 'a red circle', model: 'default', freeu: 'custom', factors: '1.2 1.4 0.9 0.2', steps: '10' });
  });

  it('a failed check keeps the text and shows the error until the next edit', async () => {
    const { flow } = flowOf({ prompt: 'x' });
    flow.feed(chunkActions('bad\r'));
    await settle();
    expect(flow.snapshot()).toMatchObject({ error: 'no such model', screen: { kind: 'field', index: 1, line: { value: 'bad' } } });
    flow.feed([k('backspace')]);
    expect(flow.snapshot().error).toBeUndefined();
  });

  it('Shift-Tab goes back with the answer there to edit; skipped fields are skipped going back too', async () => {
    const { flow } = flowOf();
    flow.feed(chunkActions('a cat\r\r'));
    await settle();
    flow.feed([k('submit')]); // FreeU off: no factors field
    expect(flow.snapshot().screen).toMatchObject({ kind: 'field', index: 4 });
    flow.feed([k('back')]);
    expect(flow.snapshot().screen).toMatchObject({ kind: 'field', index: 2 });
    flow.feed([k('back'), k('back')]);
    expect(flow.snapshot().screen).toMatchObject({ kind: 'field', index: 0, line: { value: 'a cat', cursor: 5 } });
    flow.feed([k('killWord'), ...chunkActions('dog\r')]);
    expect(flow.snapshot().screen).toMatchObject({ kind: 'field', index: 1 });
    expect(flow.snapshot().answers.prompt).toBe('a dog');
  });

  it('review: Enter runs, e edits the marked field and comes back, a newly applicable field is asked', async () => {
    const { flow, onDone } = flowOf({ prompt: 'a cat', model: 'default', freeu: 'off', steps: '25' });
    expect(flow.snapshot().screen).toEqual({ kind: 'review', row: 0 });
    flow.feed([k('down'), k('down'), { kind: 'insert', text: 'e' }, k('down'), k('submit')]);
    expect(flow.snapshot().screen).toMatchObject({ kind: 'field', index: 3 });
    flow.feed(chunkActions('1 2 3 4\r'));
    expect(flow.snapshot().screen).toEqual({ kind: 'review', row: 0 });
    expect(flow.applicable().map((f) => f.key)).toEqual(['prompt', 'model', 'freeu', 'factors', 'steps']);
    flow.feed([k('submit')]);
    expect(onDone).toHaveBeenCalledWith({ prompt: 'a cat', model: 'default', freeu: 'custom', factors: '1 2 3 4', steps: '25' });
  });
});
