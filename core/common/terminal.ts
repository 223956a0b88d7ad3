// Text from outside (metadata, file names, config values) made safe to print: control characters become visible escapes.

// C0 and C1 controls, DEL, and the bidi overrides and isolates that reorder what a line appears to say
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

function escapeOne(c: string): string {
  const code = c.charCodeAt(0);
  return NAMED[c] ?? (code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`);
}

/** `a\rb` -> `a\\rb`: nothing in the result can move the cursor, recolour or rewrite the screen. */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** True when `text` holds a character escapeControls would change. */
export function hasControls(text: string): boolean {
  UNSAFE.lastIndex = 0;
  const found = UNSAFE.test(text);
  UNSAFE.lastIndex = 0;
  return found;
}
