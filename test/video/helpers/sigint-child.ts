// Test helper run as a child process: encodes a slow (noisy) clip and reports halfway, so the test can Ctrl-C it.
import { randomFillSync } from 'node:crypto';
import { makeFrames } from '../../../video/frames.js';
import { interruptSignal } from '../../../video/interrupt.js';
import { prepareOutput, writeVideo } from '../../../video/output.js';
import { sampleMetadata } from './sample-metadata.js';

const [out = '', width = '320', height = '192', count = '64'] = process.argv.slice(2);
const frames = makeFrames(Number(width), Number(height), Number(count));
randomFillSync(frames.data);
const { signal, dispose } = interruptSignal();
try {
  const plan = await prepareOutput(out);
  await writeVideo(plan, frames, {
    fps: 8,
    metadata: sampleMetadata(),
    signal,
    onProgress: (done, total) => {
      if (done === Math.floor(total / 2)) process.stdout.write('half\n');
    },
  });
  process.stdout.write('completed\n');
} catch (err) {
  process.stderr.write(`${(err as Error).message}\n`);
  process.exitCode = (err as { exitCode?: number }).exitCode ?? 1;
} finally {
  dispose();
}
