// `t2v doctor`: what this machine gives t2v: Node, onnxruntime and its execution providers, the WebGPU adapter, ffmpeg, the caches.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command } from 'commander';
import { jsonOption, verboseOption } from '../flags.js';
import { escapeControls } from '../../core/common/terminal.js';
import { EXIT } from '../../core/errors.js';
import { flagMessage } from '../setting-flags.js';
import type { Context } from '../context.js';
import { formatBytes } from '../fs-size.js';

export interface Check {
  readonly name: string;
  readonly ok: boolean;
  readonly value: string;
  /** Not needed for t2v to work (shown as "warn", not "FAIL"). */
  readonly optional?: boolean;
}

function message(e: unknown): string {
  return flagMessage(e).replace(/\s*\n\s*/g, ' ');
}

/** The adapter's name and whether it is a CPU implementation (a test driver such as SwiftShader). */
async function adapterLine(): Promise<string> {
  const { webgpuAdapterInfo } = await import('../../core/runtime/adapter.js');
  const a = await webgpuAdapterInfo();
  if (typeof a === 'string') return `found (${a})`;
  const kind = a.cpu ? 'a CPU implementation (correct but slow: a test driver, not a GPU)' : 'a GPU';
  return `${a.name}: ${kind}; shader-f16 ${a.shaderF16 ? 'yes' : 'no'}`;
}

/** The graph cache's size without the temps of unfinished builds, which are named apart (the next build sweeps them). */
async function graphCacheLine(dir: string): Promise<string> {
  const { TEMP_NAME } = await import('../../models/cache-record.js');
  const { folderSize } = await import('../../models/list.js');
  const found = await readdir(dir, { withFileTypes: true }).catch(() => undefined);
  if (found === undefined) return `${dir} (not created yet)`;
  let entries = 0,
    temps = 0,
    tempCount = 0;
  // graph entries and build temps are folders; files beside them (the WebGPU probe's answer) are not graphs
  for (const name of found.filter((d) => d.isDirectory()).map((d) => d.name)) {
    const size = (await folderSize(join(dir, name))) ?? 0;
    if (TEMP_NAME.test(name)) {
      temps += size;
      tempCount++;
    } else entries += size;
  }
  const extra = tempCount > 0 ? `; plus ${formatBytes(temps)} in ${tempCount} unfinished build${tempCount > 1 ? 's' : ''}, removed by the next build once their process is gone` : '';
  return `${dir} (${formatBytes(entries)}${extra})`;
}

export async function runChecks(env: NodeJS.ProcessEnv): Promise<Check[]> {
  const checks: Check[] = [];
  const { packageVersion, cacheDir, hfHubCacheDir, defaultModelDir } = await import('../../models/paths.js');
  checks.push({ name: 't2v', ok: true, value: packageVersion() });
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({ name: 'node', ok: major >= 20, value: `${process.versions.node}${major >= 20 ? '' : ' (t2v needs 20 or newer)'}` });
  try {
    const ort = await import('../../core/runtime/ort.js');
    const backends = ort.listSupportedBackends().map((b) => `${b.name}${b.bundled ? '' : ' (not bundled)'}`);
    checks.push({ name: 'onnxruntime-node', ok: true, value: `${ort.env.versions.node ?? '?'}; execution providers: ${backends.join(', ')}` });
  } catch (e) {
    checks.push({ name: 'onnxruntime-node', ok: false, value: `cannot load: ${message(e)}` });
  }
  try {
    // doctor asks again (a new driver, a plugged-in GPU) and refreshes the answer every run reuses
    const { probeWebgpu, probeCachePath } = await import('../../core/runtime/webgpu-probe.js');
    const { firstLine, hasVulkanLoader, resolveDevice } = await import('../../core/runtime/device.js');
    const answer = hasVulkanLoader(env) ? await probeWebgpu(env, { fresh: true }) : undefined;
    const reason = answer === undefined ? 'no Vulkan loader (libvulkan.so.1)' : answer.reason === null ? null : firstLine(answer.reason);
    const native = answer?.native.trim() ? `; the probe printed ${answer.native.trim().split('\n').length} native line(s), kept off the terminal` : '';
    // the adapter's name comes from Dawn in this process: asked only when the probe found one, so a machine without one prints nothing native
    checks.push({ name: 'webgpu adapter', ok: reason === null, optional: true, value: `${reason === null ? await adapterLine() : `none (${reason})`}${native}; cached in ${probeCachePath(env)}` });
    const r = await resolveDevice('auto');
    checks.push({ name: 'device', ok: true, value: `--device auto runs on ${r.device} (${r.note.replace(/^device: \S+ \((.*)\)$/, '$1')})` });
  } catch (e) {
    checks.push({ name: 'device', ok: false, optional: true, value: `cannot probe the devices: ${message(e)}` });
  }
  try {
    const { findFfmpeg } = await import('../../video/ffmpeg.js');
    const f = await findFfmpeg(env);
    checks.push({ name: 'ffmpeg', ok: true, value: `${f.version} from ${f.source} (${f.path})` });
  } catch (e) {
    checks.push({ name: 'ffmpeg', ok: false, optional: true, value: `${message(e)} (PNG frames still work)` });
  }
  const { folderSize } = await import('../../models/list.js');
  const def = defaultModelDir();
  const defSize = await folderSize(def);
  checks.push({ name: 'default model', ok: defSize !== undefined, value: defSize === undefined ? `missing (${def})` : `${def} (${formatBytes(defSize)})` });
  checks.push({ name: 'cache', ok: true, value: await graphCacheLine(cacheDir(env)) });
  const hf = hfHubCacheDir(env);
  const hfSize = await folderSize(hf);
  checks.push({ name: 'hf cache', ok: true, value: `${hf} (${hfSize === undefined ? 'not created yet' : formatBytes(hfSize)})` });
  return checks;
}

export async function doctorAction(opts: Readonly<Record<string, unknown>>, ctx: Context, checks?: Check[]): Promise<number> {
  const list = checks ?? (await runChecks(ctx.io.env));
  if (opts.json === true) {
    ctx.io.stdout.write(`${JSON.stringify({ ok: list.every((c) => c.ok), checks: list })}\n`);
  } else {
    const width = Math.max(...list.map((c) => c.name.length));
    // values carry paths from the environment and messages from libraries: shown with controls escaped
    for (const c of list) ctx.io.stdout.write(`${c.ok ? 'ok  ' : c.optional ? 'warn' : 'FAIL'}  ${c.name.padEnd(width)}  ${escapeControls(c.value)}\n`);
  }
  return list.some((c) => !c.ok && !c.optional) ? EXIT.runtime : EXIT.ok;
}

export function doctorCommand(ctx: Context, done: (code: number) => void): Command {
  return new Command('doctor')
    .description('check node, onnxruntime and its execution providers, the WebGPU adapter, ffmpeg, and the cache folders')
    .addOption(jsonOption())
    .addOption(verboseOption())
    .action(async (opts: Record<string, unknown>) => done(await doctorAction(opts, ctx)));
}
