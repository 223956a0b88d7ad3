// Test-only: `node --import ./test/video/helpers/register-ts.mjs script.ts` runs TypeScript with ts-hooks.mjs.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
