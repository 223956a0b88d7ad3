import { it } from 'vitest';
import { verifyCase } from '../../core/verify/run.js';
import { useTempCache } from '../helpers.js';
useTempCache();
it('fp16 numbers', async () => {
  for (const name of (process.env.CASES ?? 'unet3d-small,vae-small,clip-small').split(',')) {
    const t0 = performance.now();
    const r = await verifyCase(`test/fixtures/golden/${name}`, 'cpu', (process.env.PREC ?? 'fp16') as 'fp16');
    console.log(name, ((performance.now() - t0) / 1000).toFixed(1), 's');
    for (const x of r.runs) console.log('  ', x.name, x.metric, x.error.toExponential(3), x.bound, x.pass);
  }
}, 600_000);
