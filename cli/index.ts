#!/usr/bin/env node
// The `t2v` executable: wires the process (argv, streams, signals) to main() and exits with its status.
import { colorEnabled } from './color.js';
import { interruptSignal } from '../video/interrupt.js';
import { main } from './main.js';

// Ink's colours come from chalk, which reads FORCE_COLOR when it loads (Ink is imported later, only for terminal screens)
if (!colorEnabled(process.env, process.argv.slice(2))) process.env.FORCE_COLOR = '0';

const controller = new AbortController();
// Ctrl-C, kill and a closed terminal all stop the run the same way: ffmpeg killed, temp files removed, exit 130; the
// first aborts the run (the writers remove their temp files), a second quits at once
const signals = interruptSignal(controller, () => process.stderr.write('t2v: interrupted again; quitting now\n'));

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env }, { controller });
signals.dispose();
process.exitCode = code;
// onnxruntime and Ink may hold handles open; once stdout has drained, nothing is left to do
process.stdout.write('', () => process.exit(code));
