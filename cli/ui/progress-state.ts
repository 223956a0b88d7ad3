// What the progress screen shows, folded from run events: a pure reducer so it is tested without a terminal.
import type { PreviewFrames } from '../../core/pipeline/preview.js';
import type { RunEvent } from '../run-generation.js';

export interface ProgressState {
  readonly phase: 'load' | 'encode-prompt' | 'sample' | 'decode' | 'encode' | 'done' | 'cancelling' | 'cancelled' | 'failed';
  readonly message?: string;
  /** The latest live preview (the clean-image estimate at that step). */
  readonly preview?: { readonly step: number; readonly total: number; readonly frames: PreviewFrames };
  /** The device line: which device runs and why. */
  readonly device?: string;
  readonly step?: { readonly step: number; readonly total: number; readonly secondsPerStep: number; readonly etaSeconds: number };
  readonly decode?: { readonly done: number; readonly total: number };
  readonly encode?: { readonly done: number; readonly total: number };
  readonly panel?: { readonly index: number; readonly count: number; readonly label: string; readonly elapsedSeconds?: number };
  readonly warnings: readonly string[];
  readonly output?: string;
  readonly error?: string;
}

export const INITIAL_PROGRESS: ProgressState = { phase: 'load', message: 'loading the model', warnings: [] };

export function applyEvent(s: ProgressState, e: RunEvent): ProgressState {
  if (s.phase === 'cancelling' && e.phase !== 'warning') return s;
  switch (e.phase) {
    case 'load':
      return { ...s, phase: 'load', message: e.message };
    case 'device':
      return { ...s, device: e.message };
    case 'preview':
      return { ...s, preview: { step: e.step, total: e.total, frames: e.frames } };
    case 'encode-prompt':
      return { ...s, phase: 'encode-prompt', message: 'encoding the prompt' };
    case 'step':
      return { ...s, phase: 'sample', step: { step: e.step, total: e.total, secondsPerStep: e.secondsPerStep, etaSeconds: e.etaSeconds } };
    case 'decode':
      return { ...s, phase: 'decode', decode: { done: e.done, total: e.total } };
    case 'encode':
      return { ...s, phase: 'encode', encode: { done: e.done, total: e.total } };
    case 'planned':
      return { ...s, output: e.output };
    case 'panel': {
      const { step: _step, decode: _decode, preview: _preview, ...rest } = s;
      return {
        ...rest,
        phase: 'load',
        message: 'loading the model',
        panel: { index: e.index, count: e.count, label: e.label, ...(e.elapsedSeconds !== undefined ? { elapsedSeconds: e.elapsedSeconds } : {}) },
      };
    }
    case 'warning':
      return s.warnings.includes(e.message) ? s : { ...s, warnings: [...s.warnings, e.message] };
    default:
      return s;
  }
}
