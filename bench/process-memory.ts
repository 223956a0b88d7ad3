// This process's peak and current resident memory in MiB: /proc/self/status (VmHWM, VmRSS), else Node's own counters.
import { readFileSync } from 'node:fs';

/** Read synchronously, so that marks taken from progress callbacks stay in order. */
export function processMemoryMiB(): { peakRssMiB: number; rssMiB: number } {
  let status = '';
  try {
    status = readFileSync('/proc/self/status', 'utf8');
  } catch {
    // not Linux: fall back below
  }
  const kb = (key: string): number | undefined => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) : undefined;
  };
  return {
    peakRssMiB: (kb('VmHWM') ?? process.resourceUsage().maxRSS) / 1024,
    rssMiB: (kb('VmRSS') ?? process.memoryUsage().rss / 1024) / 1024,
  };
}
