// Whether output may use colour: no-color.org's NO_COLOR, --no-color, FORCE_COLOR=0 and TERM=dumb turn it off.

/** --no-color anywhere before a `--`. */
export function noColorFlag(argv: readonly string[]): boolean {
  const end = argv.indexOf('--');
  return (end === -1 ? argv : argv.slice(0, end)).includes('--no-color');
}

export function colorEnabled(env: NodeJS.ProcessEnv, argv: readonly string[] = []): boolean {
  if (noColorFlag(argv)) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0' || env.TERM === 'dumb') return false;
  return true;
}
