// Fault rows: SIGINT, SIGTERM, SIGHUP and SIGKILL at each phase of a run (build, sampling, decode, encode, commit).
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envFor, lastLine, listing, processesMentioning, runAndSignal, scratch, slowFfmpeg, SMALL, t2v } from './harness.js';

const TEMP = /\.(tmp|bad)-\d+-[0-9a-f]{8}|\.part$/;

interface Phase {
  readonly name: string;
  readonly args: readonly string[];
  /** A fresh cache (the build phase) instead of a warm one. */
  readonly cold?: boolean;
  /** When the signal goes: what stderr says, or a file the slow ffmpeg leaves. */
  readonly when: (stderr: string, marks: string) => boolean;
  readonly slowEncode?: boolean;
}

const PHASES: readonly Phase[] = [
  { name: 'build', args: ['-v'], cold: true, when: (e) => e.includes('building the unet3d graph') },
  { name: 'sampling', args: ['--steps', '60'], when: (e) => e.includes('step 1/') },
  { name: 'decode', args: ['--frames', '16', '-W', '64', '-H', '64'], when: (e) => e.includes('decoding 4/') },
  { name: 'encode', args: ['--frames', '24'], slowEncode: true, when: (_e, marks) => existsSync(join(marks, 'encoding')) },
];

const warm = scratch('warm');
// one run fills the warm cache the later phases share
const first = t2v(['warm up', ...SMALL, '-o', join(scratch('out'), 'w.mp4')], envFor(warm));

function setup(phase: Phase): { out: string; cache: string; marks: string; env: NodeJS.ProcessEnv; args: string[] } {
  const out = scratch('out');
  const marks = scratch('marks');
  const cache = phase.cold ? scratch('cold') : warm;
  const env = envFor(cache, phase.slowEncode ? { T2V_FFMPEG: slowFfmpeg(marks) } : {});
  return { out, cache, marks, env, args: ['a red circle', ...SMALL, ...phase.args, '-o', join(out, 'clip.mp4')] };
}

const ROWS = PHASES.flatMap((phase) => (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((signal) => ({ phase, signal })));

describe('a signal stops the run like Ctrl-C: exit 130, one line, nothing written, no ffmpeg left', () => {
  it('the warm-up run works', () => expect(first.code).toBe(0));

  it.each(ROWS)('$signal during $phase.name', async ({ phase, signal }) => {
    const s = setup(phase);
    const r = await runAndSignal(s.args, s.env, (e) => phase.when(e, s.marks), signal);
    expect(r.sent).toBe(true);
    expect(lastLine(r.stderr)).toMatch(/^t2v: interrupted(; nothing was written|: \S+\/clip\.mp4 was not written)$/);
    expect(r.code).toBe(130);
    expect(listing(s.out)).toEqual([]);
    expect(listing(s.cache).filter((p) => TEMP.test(p))).toEqual([]);
    expect(processesMentioning(s.out)).toEqual([]);
  });
});

describe('kill -9 leaves no final output, and the next run sweeps what it left', () => {
  it.each(PHASES)('SIGKILL during $name, then the same command again', async (phase) => {
    const s = setup(phase);
    const r = await runAndSignal(s.args, s.env, (e) => phase.when(e, s.marks), 'SIGKILL');
    expect(r.sent).toBe(true);
    expect(r.signal).toBe('SIGKILL');
    expect(existsSync(join(s.out, 'clip.mp4'))).toBe(false);
    // an orphaned ffmpeg reads to the end of its input and exits; wait for it before looking at the folder again
    for (let i = 0; i < 100 && processesMentioning(s.out).length > 0; i++) await new Promise((ok) => setTimeout(ok, 50));
    const again = t2v(s.args, envFor(s.cache));
    expect(again.code).toBe(0);
    expect(listing(s.out)).toEqual(['clip.mp4']);
    expect(listing(s.cache).filter((p) => TEMP.test(p))).toEqual([]);
  });
});

describe('PNG frames into an existing folder are one set, even when killed during the commit', () => {
  const FRAMES = ['--frames', '1024', '-W', '16', '-H', '16', '--steps', '1'];
  const inFolder = (): { dir: string; args: string[] } => {
    const dir = join(scratch('png'), 'shots');
    mkdirSync(dir);
    writeFileSync(join(dir, 'notes.txt'), 'kept');
    return { dir, args: ['a red circle', ...SMALL, ...FRAMES, '-o', join(dir, 'f_%04d.png')] };
  };
  const frames = (dir: string): string[] => readdirSync(dir).filter((p) => /^f_\d{4}\.png$/.test(p));
  // the moment the first frame appears under its final name, the commit is under way
  const committing = (dir: string) => () => frames(dir).length > 0;

  it('SIGKILL during the commit: the next run settles it and writes all 1024 frames', async () => {
    const { dir, args } = inFolder();
    const r = await runAndSignal(args, envFor(warm), committing(dir), 'SIGKILL');
    expect(r.signal).toBe('SIGKILL');
    const again = t2v(args, envFor(warm));
    expect(lastLine(again.stderr)).toMatch(/^wrote .*f_%04d\.png \(1024 frames/);
    expect(again.code).toBe(0);
    expect(frames(dir)).toHaveLength(1024);
    expect(listing(dir).filter((p) => !/^f_\d{4}\.png$/.test(p))).toEqual(['notes.txt']);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGHUP'] as const)('%s during the commit: all 1024 frames (exit 0) or none (exit 130)', async (signal) => {
    const { dir, args } = inFolder();
    const r = await runAndSignal(args, envFor(warm), committing(dir), signal);
    expect([0, 130]).toContain(r.code);
    expect(frames(dir)).toHaveLength(r.code === 0 ? 1024 : 0);
    expect(listing(dir).filter((p) => !/^f_\d{4}\.png$/.test(p))).toEqual(['notes.txt']);
  });
});
