// Line editing: Ink key events to actions (chunks split at CR/LF and readline control characters), and each action's effect.
import type { Key } from 'ink';
import { describe, expect, it } from 'vitest';
import { applyEdit, chunkActions, keyActions, type EditAction, type Line } from '../../../cli/ui/line-edit.js';

const NO_KEY: Key = {
  upArrow: false,
  downArrow: false,
  leftArrow: false,
  rightArrow: false,
  pageDown: false,
  pageUp: false,
  home: false,
  end: false,
  return: false,
  escape: false,
  ctrl: false,
  shift: false,
  tab: false,
  backspace: false,
  delete: false,
  meta: false,
  super: false,
  hyper: false,
  capsLock: false,
  numLock: false,
};
const key = (k: Partial<Key>): Key => ({ ...NO_KEY, ...k });

describe('chunkActions', () => {
  it.each([
    ['a red circle\r', [{ kind: 'insert', text: 'a red circle' }, { kind: 'submit' }]],
    ['ab\ncd\r', [{ kind: 'insert', text: 'ab' }, { kind: 'submit' }, { kind: 'insert', text: 'cd' }, { kind: 'submit' }]],
    ['ab\u007f\u007fc', [{ kind: 'insert', text: 'ab' }, { kind: 'backspace' }, { kind: 'backspace' }, { kind: 'insert', text: 'c' }]],
    ['x\u0001y\u0005\u0015\u0017', [{ kind: 'insert', text: 'x' }, { kind: 'home' }, { kind: 'insert', text: 'y' }, { kind: 'end' }, { kind: 'killStart' }, { kind: 'killWord' }]],
    ['tab\there', [{ kind: 'insert', text: 'tabhere' }]],
  ])('%j', (text, want) => expect(chunkActions(text)).toEqual(want));
});

describe('keyActions', () => {
  it.each([
    ['', key({ return: true }), ['submit']],
    ['', key({ tab: true, shift: true }), ['back']],
    ['', key({ escape: true, meta: true }), ['back']],
    ['', key({ leftArrow: true }), ['left']],
    ['', key({ rightArrow: true, ctrl: true }), ['wordRight']],
    ['', key({ home: true }), ['home']],
    ['', key({ end: true }), ['end']],
    ['', key({ delete: true }), ['backspace']],
    ['a', key({ ctrl: true }), ['home']],
    ['e', key({ ctrl: true }), ['end']],
    ['u', key({ ctrl: true }), ['killStart']],
    ['w', key({ ctrl: true }), ['killWord']],
    ['k', key({ ctrl: true }), ['killEnd']],
    ['c', key({ ctrl: true }), ['cancel']],
    ['b', key({ meta: true }), ['wordLeft']],
    ['hi\r', NO_KEY, ['insert', 'submit']],
  ])('%j %# -> %j', (input, k, kinds) => expect(keyActions(input, k).map((a) => a.kind)).toEqual(kinds));
});

describe('applyEdit', () => {
  const l = (value: string, cursor = value.length): Line => ({ value, cursor });
  it.each([
    [l('ac', 1), { kind: 'insert', text: 'b' }, l('abc', 2)],
    [l('abc', 1), { kind: 'left' }, l('abc', 0)],
    [l('abc', 0), { kind: 'left' }, l('abc', 0)],
    [l('abc', 3), { kind: 'right' }, l('abc', 3)],
    [l('abc', 2), { kind: 'home' }, l('abc', 0)],
    [l('abc', 0), { kind: 'end' }, l('abc', 3)],
    [l('abc', 2), { kind: 'backspace' }, l('ac', 1)],
    [l('abc', 0), { kind: 'backspace' }, l('abc', 0)],
    [l('abc', 1), { kind: 'delete' }, l('ac', 1)],
    [l('a red circle', 5), { kind: 'killStart' }, l(' circle', 0)],
    [l('a red circle', 5), { kind: 'killEnd' }, l('a red', 5)],
    [l('a red circle'), { kind: 'killWord' }, l('a red ', 6)],
    [l('a red circle  '), { kind: 'killWord' }, l('a red ', 6)],
    [l('a red circle'), { kind: 'wordLeft' }, l('a red circle', 6)],
    [l('a red circle', 0), { kind: 'wordRight' }, l('a red circle', 1)],
  ] as [Line, EditAction, Line][])('%j %j', (line, a, want) => expect(applyEdit(line, a)).toEqual(want));
});
