// The fault suite's harness: the built CLI on the tiny pipeline, its phases, signals, small full disks and folder listings.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** T2V_FAULT_BIN runs the suite against another build (how each row was checked against the code before the fix). */
export const BIN = process.env.T2V_FAULT_BIN ?? join(ROOT, 'dist/cli/index.js');
export const TINY = join(ROOT, 'test/fixtures/golden/pipeline-tiny/model');
/** A small, fast generation; rows add what they need. */
export const SMALL = ['--model', TINY, '--steps', '2', '--frames', '4', '-W', '32', '-H', '32', '--seed', '1', '--device', 'cpu'];

export function scratch(name: string): string {
  return mkdtempSync(join(tmpdir(), `t2v-fault-${name}-`));
}

export function envFor(cache: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, XDG_CONFIG_HOME: '/nonexistent-t2v-test', NO_COLOR: '1', T2V_CACHE: cache, ...extra };
}

export interface Result {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export function t2v(args: readonly string[], env: NodeJS.ProcessEnv): Result {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 90_000 });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** The last line on stderr: the one-line message a failure ends with. */
export function lastLine(text: string): string {
  const lines = text.trim().split('\n');
  return lines[lines.length - 1] ?? '';
}

/**
 * Starts t2v in its own process group and sends `signal` to the node process once `when` holds (checked on every
 * stderr chunk and every 20 ms), as a terminal or `kill` would; resolves when it has exited.
 */
export function runAndSignal(args: readonly string[], env: NodeJS.ProcessEnv, when: (stderr: string) => boolean, signal: NodeJS.Signals): Promise<Result & { sent: boolean }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '',
      stderr = '',
      sent = false;
    const check = (): void => {
      if (!sent && child.exitCode === null && when(stderr)) {
        sent = true;
        child.kill(signal);
      }
    };
    const timer = setInterval(check, 20);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      check();
    });
    child.on('error', fail);
    child.on('close', (code, sig) => {
      clearInterval(timer);
      done({ code, signal: sig, stdout, stderr, sent });
    });
  });
}

/** Every path under `dir`, hidden ones included, relative and sorted ('sub/' for a folder). */
export function listing(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      const st = lstatSync(p, { throwIfNoEntry: false });
      if (!st) continue; // moved or removed meanwhile by the run being watched
      if (st.isDirectory()) {
        out.push(`${relative(dir, p)}/`);
        walk(p);
      } else out.push(relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

/** Process ids whose command line mentions `text` (an orphaned ffmpeg writing into a test folder). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(text)) pids.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * A tmpfs of `kib` KiB at a fresh folder, filled to the last block unless `leaveKib` is given: a full disk. The test
 * fails with the reason when it cannot mount (CI runs as root); it never skips.
 */
export function fullDisk(kib: number, leaveKib = 0): { readonly dir: string; readonly filler: string; unmount(): void } {
  const dir = scratch('disk');
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${kib}k,mode=0777`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`the full-disk rows need to mount a tmpfs (root, CAP_SYS_ADMIN): mount said ${JSON.stringify((r.stderr || r.error?.message || '').trim())}`);
  const filler = join(dir, 'filler');
  spawnSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k', `count=${Math.max(0, Math.floor((kib - leaveKib) / 4))}`], { encoding: 'utf8' });
  return { dir, filler: 'filler', unmount: () => void spawnSync('umount', ['-l', dir]) };
}

/**
 * A wrapper ffmpeg that reads its raw input at the video's own frame rate (-re), so that the encode phase lasts long
 * enough to be interrupted, and leaves `encoding` in `marks` when it starts encoding.
 */
export function slowFfmpeg(marks: string): string {
  // ffmpeg-static is installed without its binary when its install script does not run (offline, allowScripts)
  const find = "let p; try { p = require('ffmpeg-static'); } catch {} if (!p || !require('fs').existsSync(p)) p = require('@ffmpeg-installer/ffmpeg').path; process.stdout.write(p)";
  const real = spawnSync(process.execPath, ['-e', find], { cwd: ROOT, encoding: 'utf8' }).stdout;
  const path = join(marks, 'ffmpeg');
  writeFileSync(path, `#!/bin/sh\ncase "$*" in *rawvideo*) : > "${marks}/encoding"; exec "${real}" -re "$@";; esac\nexec "${real}" "$@"\n`);
  chmodSync(path, 0o755);
  return path;
}

/** A copy of the tiny model whose U-Net weights the caller may damage. */
export function modelCopy(into: string): string {
  const dest = join(into, 'model');
  mkdirSync(dest);
  cpSync(TINY, dest, { recursive: true });
  return dest;
}
