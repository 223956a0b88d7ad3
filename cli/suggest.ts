// "Did you mean sweep?": a bare word close to a command name is a typo of that command, not a one-word prompt.

/** Levenshtein distance (small words only). */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const keep = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = keep;
    }
  }
  return row[b.length]!;
}

/** The command a single lower-case word most likely meant (distance 1, or 2 for words of 5 letters or more). */
export function commandTypo(word: string, commands: readonly string[]): string | undefined {
  if (!/^[a-z]+$/.test(word) || commands.includes(word)) return undefined;
  let best: { name: string; d: number } | undefined;
  for (const name of commands) {
    const d = editDistance(word, name);
    const limit = Math.min(word.length, name.length) >= 5 ? 2 : 1;
    if (d <= limit && (!best || d < best.d)) best = { name, d };
  }
  return best?.name;
}
