// `t2v verify --golden DIR`: runs reference cases through the real code and prints each error beside its bound.
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { Command, Option } from 'commander';
import { jsonOption, verboseOption } from '../flags.js';
import { InterruptedError, UsageError } from '../../core/errors.js';
import { flagMessage } from '../setting-flags.js';
import type { CaseReport } from '../../core/verify/run.js';
import { DEVICES, PRECISIONS, type Device, type Precision } from '../../core/runtime/device-names.js';
import type { Context } from '../context.js';
import { parseChoice } from '../parse.js';

export type VerifyCase = (dir: string, device: Device, precision: Precision) => Promise<CaseReport>;

const exists = (p: string): Promise<boolean> =>
  stat(p).then(
    () => true,
    () => false,
  );

/** DIR itself when it holds case.json, else each subfolder that does, sorted by name. */
export async function caseDirs(dir: string): Promise<string[]> {
  if (
    !(await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw new UsageError(`--golden ${dir}: no such folder; pass a case folder (with case.json) or a folder of them`);
  if (await exists(join(dir, 'case.json'))) return [dir];
  const names = (await readdir(dir)).sort();
  const found: string[] = [];
  for (const name of names) if (await exists(join(dir, name, 'case.json'))) found.push(join(dir, name));
  if (found.length === 0) throw new UsageError(`--golden ${dir}: no case.json in it or in its subfolders; pass a reference case folder`);
  return found;
}

function num(x: number): string {
  return x === 0 ? '0' : Math.abs(x) >= 1e-3 && Math.abs(x) < 1e4 ? x.toPrecision(4) : x.toExponential(3);
}

export function formatRun(r: CaseReport['runs'][number]): string {
  return `  ${r.name}  ${r.metric}  error ${num(r.error)}  bound ${num(r.bound)}  ${r.pass ? 'PASS' : 'FAIL'}`;
}

export async function verifyAction(opts: Readonly<Record<string, unknown>>, ctx: Context, run?: VerifyCase): Promise<number> {
  const golden = opts.golden;
  if (typeof golden !== 'string') throw new UsageError('verify needs --golden DIR; pass a reference case folder or a folder of them');
  const device = parseChoice('--device', typeof opts.device === 'string' ? opts.device : 'cpu', DEVICES);
  const precision = parseChoice('--precision', typeof opts.precision === 'string' ? opts.precision : 'fp32', PRECISIONS);
  // fp16 on an adapter without shader-f16 is refused here in one line, before any case runs
  if (!run) await (await import('../../core/runtime/precision.js')).resolvePrecision(device, precision);
  const verify = run ?? (await import('../../core/verify/run.js')).verifyCase;
  const out = ctx.io.stdout;
  const json = opts.json === true;
  const reports: (CaseReport | { dir: string; kind: string; error: string; pass: false })[] = [];
  let failed = 0;
  let runs = 0;
  for (const dir of await caseDirs(golden)) {
    if (ctx.signal.aborted) throw new InterruptedError();
    let report: CaseReport;
    try {
      report = await verify(dir, device, precision);
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      const message = flagMessage(e).replace(/\s*\n\s*/g, ' ');
      failed++;
      reports.push({ dir, kind: '?', error: message, pass: false });
      if (!json) out.write(`${basename(dir)}: error: ${message}  FAIL\n`);
      continue;
    }
    reports.push(report);
    runs += report.runs.length;
    if (!report.pass) failed++;
    if (json) continue;
    out.write(`${basename(dir)} (${report.kind || 'no kind'}, ${device}${precision === 'fp16' ? ', fp16' : ''})\n`);
    if (!report.implemented) out.write(`  kind ${report.kind || '(none)'} is not implemented yet  FAIL\n`);
    for (const r of report.runs) out.write(`${formatRun(r)}\n`);
  }
  if (json) {
    out.write(`${JSON.stringify({ device, precision, pass: failed === 0, cases: reports })}\n`);
  } else {
    out.write(failed === 0 ? `all ${reports.length} case(s), ${runs} run(s) pass\n` : `${failed} of ${reports.length} case(s) failed\n`);
  }
  return failed === 0 ? 0 : 1;
}

export function verifyCommand(ctx: Context, done: (code: number) => void): Command {
  return new Command('verify')
    .description('check the real code against diffusers reference cases: one line per run with its error, bound and PASS/FAIL')
    .addOption(new Option('--golden <dir>', 'a case folder (with case.json) or a folder of case folders (required)'))
    .addOption(new Option('--device <name>', `${DEVICES.join(' | ')} (default: cpu)`))
    .addOption(new Option('--precision <fp32|fp16>', 'graphs in fp32 (the golden bounds) or fp16 (wider bounds, README) (default: fp32)'))
    .addOption(jsonOption('print one JSON object with every case and run (default: off)'))
    .addOption(verboseOption())
    .action(async (opts: Record<string, unknown>) => done(await verifyAction(opts, ctx)));
}
