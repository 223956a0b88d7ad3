// escapeControls: text from files reaches the terminal with nothing that can move the cursor or recolour.
import { describe, expect, it } from 'vitest';
import { escapeControls, hasControls } from '../../../core/common/terminal.js';

describe('escapeControls', () => {
  it.each([
    ['plain text, café ☃', 'plain text, café ☃'],
    ['a\rb', 'a\\rb'],
    ['line\nnext\ttab', 'line\\nnext\\ttab'],
    ['\u001b[2K\u001b]0;title\u0007', '\\e[2K\\e]0;title\\x07'],
    ['\u009b31m', '\\x9b31m'],
    ['abc\u202edef\u2066', 'abc\\u202edef\\u2066'],
    ['\u007f', '\\x7f'],
  ])('%j -> %j', (input, want) => {
    expect(escapeControls(input)).toBe(want);
    expect(hasControls(input)).toBe(want !== input);
  });
});
