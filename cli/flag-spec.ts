// One flag row's shape and its derived names (--long-name, T2V_LONG_NAME): a leaf the setting declarations import.

export interface FlagSpec {
  /** camelCase name: commander's attribute and the config.json key. */
  readonly key: string;
  readonly flags: string;
  readonly description: string;
  /** Shown as "(default: ...)" in --help. */
  readonly defaultText?: string;
  readonly bool?: boolean;
  /** May come from T2V_* or config.json. */
  readonly configurable: boolean;
}

/** The environment variable that fills a flag: T2V_ + the long name in upper snake case. */
export function envName(spec: FlagSpec): string {
  return `T2V_${longName(spec).toUpperCase().replace(/-/g, '_')}`;
}

/** `--negative-prompt` for the negativePrompt spec. */
export function longName(spec: FlagSpec): string {
  const m = /--([a-z0-9-]+)/.exec(spec.flags);
  return m ? m[1]! : spec.key;
}

export function flagLabel(spec: FlagSpec): string {
  return `--${longName(spec)}`;
}
