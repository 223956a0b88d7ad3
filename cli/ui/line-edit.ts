// Readline-style editing of one line as pure functions: Ink key events to actions, actions applied to (value, cursor).
import type { Key } from 'ink';

export type EditAction =
  | { readonly kind: 'insert'; readonly text: string }
  | { readonly kind: 'left' | 'right' | 'home' | 'end' | 'wordLeft' | 'wordRight' }
  | { readonly kind: 'backspace' | 'delete' | 'killStart' | 'killEnd' | 'killWord' }
  | { readonly kind: 'submit' | 'back' | 'up' | 'down' | 'next' | 'cancel' };

export interface Line {
  readonly value: string;
  /** 0 .. value.length, in UTF-16 units (the wizard's fields are short, mostly ASCII). */
  readonly cursor: number;
}

export const EMPTY_LINE: Line = { value: '', cursor: 0 };

export function lineOf(value: string): Line {
  return { value, cursor: value.length };
}

// control characters inside a pasted or fast-typed chunk, as a terminal sends them
const CONTROL: Readonly<Record<string, EditAction['kind']>> = {
  '\r': 'submit',
  '\n': 'submit',
  '\u0001': 'home',
  '\u0005': 'end',
  '\u0002': 'left',
  '\u0006': 'right',
  '\u0015': 'killStart',
  '\u000b': 'killEnd',
  '\u0017': 'killWord',
  '\u007f': 'backspace',
  '\b': 'backspace',
  '\u0004': 'delete',
};

/** A chunk of text as actions: printable runs are inserted, CR/LF submit, readline control characters edit. */
export function chunkActions(text: string): EditAction[] {
  const out: EditAction[] = [];
  let run = '';
  const flush = () => {
    if (run) out.push({ kind: 'insert', text: run });
    run = '';
  };
  for (const ch of text) {
    const kind = CONTROL[ch];
    if (kind) {
      flush();
      out.push({ kind } as EditAction);
    } else if (ch >= ' ' && ch !== '\u007f') run += ch;
  }
  flush();
  return out;
}

/** What one Ink input event means; a multi-character chunk can hold several actions (text, then Enter). */
export function keyActions(input: string, key: Key): EditAction[] {
  if (key.ctrl && input === 'c') return [{ kind: 'cancel' }];
  if (key.return) return [{ kind: 'submit' }];
  if (key.tab) return [{ kind: key.shift ? 'back' : 'next' }];
  if (key.escape && input === '') return [{ kind: 'back' }];
  if (key.upArrow) return [{ kind: 'up' }];
  if (key.downArrow) return [{ kind: 'down' }];
  if (key.leftArrow) return [{ kind: key.ctrl || key.meta ? 'wordLeft' : 'left' }];
  if (key.rightArrow) return [{ kind: key.ctrl || key.meta ? 'wordRight' : 'right' }];
  if (key.home) return [{ kind: 'home' }];
  if (key.end) return [{ kind: 'end' }];
  // Ink names the 0x7f byte most terminals send for Backspace "delete"; the Delete key arrives as ESC [3~, also "delete"
  if (key.backspace || (key.delete && input === '')) return [{ kind: 'backspace' }];
  if (key.ctrl) {
    const kind = CONTROL[String.fromCharCode(input.charCodeAt(0) - 96)];
    return kind && input.length === 1 ? [{ kind } as EditAction] : [];
  }
  if (key.meta && input === 'b') return [{ kind: 'wordLeft' }];
  if (key.meta && input === 'f') return [{ kind: 'wordRight' }];
  if (key.meta && input.length <= 1) return [];
  return chunkActions(input);
}

function wordStart(value: string, from: number): number {
  let i = from;
  while (i > 0 && value[i - 1] === ' ') i--;
  while (i > 0 && value[i - 1] !== ' ') i--;
  return i;
}

function wordEnd(value: string, from: number): number {
  let i = from;
  while (i < value.length && value[i] === ' ') i++;
  while (i < value.length && value[i] !== ' ') i++;
  return i;
}

/** The line after one editing action; actions that do not edit leave it as it is. */
export function applyEdit(line: Line, a: EditAction): Line {
  const { value, cursor } = line;
  switch (a.kind) {
    case 'insert':
      return { value: value.slice(0, cursor) + a.text + value.slice(cursor), cursor: cursor + a.text.length };
    case 'left':
      return { value, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { value, cursor: Math.min(value.length, cursor + 1) };
    case 'home':
      return { value, cursor: 0 };
    case 'end':
      return { value, cursor: value.length };
    case 'wordLeft':
      return { value, cursor: wordStart(value, cursor) };
    case 'wordRight':
      return { value, cursor: wordEnd(value, cursor) };
    case 'backspace':
      return cursor === 0 ? line : { value: value.slice(0, cursor - 1) + value.slice(cursor), cursor: cursor - 1 };
    case 'delete':
      return { value: value.slice(0, cursor) + value.slice(cursor + 1), cursor };
    case 'killStart':
      return { value: value.slice(cursor), cursor: 0 };
    case 'killEnd':
      return { value: value.slice(0, cursor), cursor };
    case 'killWord': {
      const start = wordStart(value, cursor);
      return { value: value.slice(0, start) + value.slice(cursor), cursor: start };
    }
    default:
      return line;
  }
}

/** Whether an action changes the text (a pending error message is cleared by the first one). */
export function isEdit(a: EditAction): boolean {
  return ['insert', 'backspace', 'delete', 'killStart', 'killEnd', 'killWord'].includes(a.kind);
}
