// A wizard field's check from a parser: undefined when the parser accepts the answer, else its one-line message.
import { flagMessage } from '../setting-flags.js';

/** Runs `parse` and turns what it throws into the field's problem line. */
export function problem(parse: () => unknown): string | undefined {
  try {
    parse();
    return undefined;
  } catch (e) {
    return flagMessage(e);
  }
}
