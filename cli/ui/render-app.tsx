// Mounts the Ink app on the terminal streams and resolves with how the session ended once Ink lets go.
import { render } from 'ink';
import type { Context } from '../context.js';
import { App, type AppProps } from './App.js';

export type AppEnd = Parameters<AppProps['onEnd']>[0];

export function renderApp(ctx: Context, props: Omit<AppProps, 'onEnd' | 'interrupt'>): Promise<AppEnd> {
  return new Promise((resolve, reject) => {
    let end: AppEnd = { cancelled: true };
    const instance = render(<App {...props} interrupt={ctx.interrupt} onEnd={(e) => (end = e)} />, {
      stdout: ctx.io.stdout as NodeJS.WriteStream,
      stderr: ctx.io.stderr as NodeJS.WriteStream,
      ...(ctx.io.stdin ? { stdin: ctx.io.stdin } : {}),
      exitOnCtrlC: false,
      patchConsole: false,
    });
    instance.waitUntilExit().then(() => resolve(end), reject);
  });
}
