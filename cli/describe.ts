// Human-readable lines for `t2v info`: the stored generation parameters, one per line.
import { escapeControls } from '../core/common/terminal.js';
import type { GenerationMetadata } from '../video/metadata.js';
import { deepCacheWords } from './speed.js';

function freeuLine(meta: GenerationMetadata): string {
  const f = meta.freeu;
  const params = `v${f.version} b1=${f.b1} b2=${f.b2} s1=${f.s1} s2=${f.s2}, active ${f.start}..${f.end}`;
  return f.enabled ? `on (${params})` : 'off';
}

function samplingLine(s: NonNullable<GenerationMetadata['sampling']>): string {
  const dc = s.deepCache ? deepCacheWords(s.deepCache) : 'DeepCache off';
  const gi = s.guidanceInterval ? `guidance on steps in [${s.guidanceInterval.join(', ')})` : 'guidance on every step';
  return `${s.fast ? '--fast: ' : ''}${dc}; ${gi}`;
}

/** `label: value` lines, labels padded to one column; the CLI prints them as they are. */
export function describeMetadata(meta: GenerationMetadata): string {
  const seconds = (meta.frames / meta.fps).toFixed(2);
  const rows: Array<[string, string]> = [
    ['prompt', meta.prompt],
    ['negative prompt', meta.negativePrompt === '' ? '(none)' : meta.negativePrompt],
    ['model', meta.model.revision === '' ? meta.model.id : `${meta.model.id} @ ${meta.model.revision}`],
    ['seed', meta.seed],
    ['steps', `${meta.steps} (${meta.scheduler}${meta.scheduler === 'ddim' ? `, eta ${meta.eta ?? 0}` : ''})`],
    ['guidance', String(meta.guidance)],
    ['frames', `${meta.frames} at ${meta.fps} fps (${seconds} s)`],
    ['size', `${meta.width}x${meta.height}`],
    ['FreeU', freeuLine(meta)],
    ...(meta.sampling ? [['sampling', samplingLine(meta.sampling)] as [string, string]] : []),
    ['device', `${meta.device}, ${meta.precision ?? 'fp32'}`],
    ['t2v', meta.t2v],
  ];
  if (meta.padded) {
    const [fw, fh] = meta.padded.from,
      [tw, th] = meta.padded.to;
    rows.push(['padded', `${fw}x${fh} -> ${tw}x${th} (last column/row repeated; H.264 yuv420p needs even sides)`]);
  }
  if (meta.composite) {
    const c = meta.composite;
    const parts = [c.rows.length > 0 ? `rows: ${c.rows.join(' | ')}` : '', c.columns.length > 0 ? `columns: ${c.columns.join(' | ')}` : ''].filter((p) => p !== '');
    rows.push(['layout', `${c.layout}${parts.length > 0 ? `; ${parts.join('; ')}` : ''} (the parameters above are one panel's)`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length)) + 1;
  // Every field comes from the file (forgeable): newlines would break the layout, CR and escapes would rewrite the screen.
  return rows.map(([k, v]) => `${`${k}:`.padEnd(width)} ${escapeControls(v)}`).join('\n');
}
