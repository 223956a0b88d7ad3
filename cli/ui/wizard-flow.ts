// The wizard as a state machine outside React: every key is applied in order to state held here, so no keystroke is lost at any speed.
import { applyEdit, EMPTY_LINE, isEdit, lineOf, type EditAction, type Line } from './line-edit.js';
import type { Answers, WizardField } from './wizard-fields.js';
import { flagMessage } from '../setting-flags.js';

export type FlowScreen =
  { readonly kind: 'field'; readonly index: number; readonly line: Line; readonly selected: number } | { readonly kind: 'review'; readonly row: number } | { readonly kind: 'done' };

export interface FlowSnapshot {
  readonly screen: FlowScreen;
  readonly answers: Answers;
  readonly error?: string;
  readonly checking: boolean;
}

export interface FlowOptions {
  /** Answers to start from (the review screen opens when every field has one). */
  readonly answers?: Answers;
  readonly onChange: (s: FlowSnapshot) => void;
  readonly onDone: (answers: Answers) => void;
}

export class WizardFlow {
  private screen: FlowScreen;
  private answers: Answers;
  private error: string | undefined;
  private busy = false;
  /** Editing one field from the review screen: go back there after it. */
  private fromReview = false;
  private readonly queue: EditAction[] = [];

  constructor(
    private readonly fields: readonly WizardField[],
    private readonly opts: FlowOptions,
  ) {
    this.answers = opts.answers ?? {};
    const first = this.nextUnanswered(0);
    this.screen = first < fields.length ? this.fieldScreen(first) : { kind: 'review', row: 0 };
  }

  snapshot(): FlowSnapshot {
    return { screen: this.screen, answers: this.answers, checking: this.busy, ...(this.error ? { error: this.error } : {}) };
  }

  /** The fields that apply to the answers so far (the review screen lists these). */
  applicable(): WizardField[] {
    return this.fields.filter((f) => !f.when || f.when(this.answers));
  }

  /** Queues actions and applies them in order; while a check runs, later keys wait for it. */
  feed(actions: readonly EditAction[]): void {
    this.queue.push(...actions);
    this.drain();
  }

  private drain(): void {
    let changed = false;
    while (!this.busy && this.queue.length > 0 && this.screen.kind !== 'done') {
      this.apply(this.queue.shift()!);
      changed = true;
    }
    if (changed) this.opts.onChange(this.snapshot());
  }

  private applies(i: number, answers: Answers = this.answers): boolean {
    const f = this.fields[i];
    return f !== undefined && (!f.when || f.when(answers));
  }

  private nextUnanswered(from: number): number {
    let i = from;
    while (i < this.fields.length && (!this.applies(i) || this.answers[this.fields[i]!.key] !== undefined)) i++;
    return i;
  }

  private fieldScreen(index: number): FlowScreen {
    const f = this.fields[index]!;
    const answer = this.answers[f.key];
    if (f.choices) {
      const choices = f.choices(this.answers);
      const want = answer ?? f.initial(this.answers);
      return {
        kind: 'field',
        index,
        line: EMPTY_LINE,
        selected: Math.max(
          0,
          choices.findIndex((c) => c.value === want),
        ),
      };
    }
    // an answered field comes back with its answer to edit; a new one starts empty over its grey default
    return { kind: 'field', index, line: answer !== undefined && answer !== f.initial(this.answers) ? lineOf(answer) : EMPTY_LINE, selected: 0 };
  }

  private apply(a: EditAction): void {
    if (this.screen.kind === 'review') return this.applyReview(this.screen, a);
    if (this.screen.kind !== 'field') return;
    const screen = this.screen;
    const field = this.fields[screen.index]!;
    if (a.kind === 'back') return this.back(screen.index);
    if (a.kind === 'submit') return this.submit(screen, field);
    if (field.choices) {
      const n = field.choices(this.answers).length;
      if (a.kind === 'up') this.screen = { ...screen, selected: (screen.selected + n - 1) % n };
      if (a.kind === 'down' || a.kind === 'next') this.screen = { ...screen, selected: (screen.selected + 1) % n };
      return;
    }
    if (isEdit(a)) this.error = undefined;
    this.screen = { ...screen, line: applyEdit(screen.line, a) };
  }

  private applyReview(screen: { readonly row: number }, a: EditAction): void {
    const rows = this.applicable();
    if (a.kind === 'submit') {
      this.screen = { kind: 'done' };
      this.opts.onDone(this.answers);
    } else if (a.kind === 'up') this.screen = { kind: 'review', row: (screen.row + rows.length - 1) % rows.length };
    else if (a.kind === 'down' || a.kind === 'next') this.screen = { kind: 'review', row: (screen.row + 1) % rows.length };
    else if (a.kind === 'back') this.back(this.fields.length);
    else if (a.kind === 'insert' && a.text.toLowerCase().startsWith('e')) {
      const f = rows[screen.row];
      if (!f) return;
      this.fromReview = true;
      this.screen = this.fieldScreen(this.fields.indexOf(f));
    }
  }

  private back(from: number): void {
    let i = from - 1;
    while (i >= 0 && !this.applies(i)) i--;
    if (i < 0) return;
    this.error = undefined;
    this.fromReview = false;
    this.screen = this.fieldScreen(i);
  }

  private submit(screen: Extract<FlowScreen, { kind: 'field' }>, field: WizardField): void {
    const raw = field.choices ? (field.choices(this.answers)[screen.selected]?.value ?? '') : screen.line.value === '' ? field.initial(this.answers) : screen.line.value;
    const finish = (problem: string | undefined) => {
      if (problem) {
        this.error = problem;
        return;
      }
      this.error = undefined;
      this.answers = { ...this.answers, [field.key]: raw };
      // from the review, only fields that now apply and have no answer (FreeU factors after picking "my own") are asked
      const next = this.fromReview ? this.nextUnanswered(0) : this.nextApplicable(screen.index + 1);
      if (next < this.fields.length) this.screen = this.fieldScreen(next);
      else {
        this.fromReview = false;
        this.screen = { kind: 'review', row: 0 };
      }
    };
    const checked = field.check?.(raw, this.answers);
    if (!(checked instanceof Promise)) return finish(checked);
    this.busy = true;
    this.opts.onChange(this.snapshot());
    void checked.then(
      (problem) => {
        this.busy = false;
        finish(problem);
        this.opts.onChange(this.snapshot());
        this.drain();
      },
      (e: unknown) => {
        this.busy = false;
        finish(flagMessage(e));
        this.opts.onChange(this.snapshot());
        this.drain();
      },
    );
  }

  private nextApplicable(from: number): number {
    let i = from;
    while (i < this.fields.length && !this.applies(i)) i++;
    return i;
  }
}
