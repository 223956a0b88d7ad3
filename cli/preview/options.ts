// When a run previews: on a colour terminal unless --no-preview, or whenever --preview-path asks for the PNG; how often.
import type { Report, RunEvent } from '../run-generation.js';
import type { Settings } from '../settings.js';
import { writePreviewPng } from './png-file.js';

/** Every how many steps the engine emits a preview (0: never). */
export function previewEvery(s: Settings, terminal: boolean, color: boolean): number {
  const shown = terminal && color && s.preview && !s.quiet;
  if (!shown && s.previewPath === undefined) return 0;
  return s.previewInterval ?? Math.max(1, Math.ceil(s.steps / 10));
}

/** Wraps a reporter so that preview events also land in --preview-path. */
export function withPreviewFile(report: Report, s: Settings): Report {
  const path = s.previewPath;
  if (path === undefined) return report;
  return (e: RunEvent) => {
    if (e.phase === 'preview') writePreviewPng(path, e.frames, e.step, e.total);
    report(e);
  };
}
