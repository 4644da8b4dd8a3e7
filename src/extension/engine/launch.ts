/**
 * How the engine process is started: which Node runs which script with which arguments.
 * No shell is involved, so paths with spaces or quotes need no escaping.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BackendChoice } from '../../shared/protocol';

export interface EngineLaunch {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  readonly cwd: string;
}

export interface LaunchOptions {
  /** The extension's folder (holds bin/ddas.js and dist/engine.js). */
  readonly extensionPath: string;
  /** Node executable; empty means the one running the extension host. */
  readonly nodePath: string;
  readonly backend: BackendChoice;
  /** Working folder of the engine (relative dataset paths resolve against it). */
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

export class LaunchError extends Error {}

export function engineLaunch(opts: LaunchOptions): EngineLaunch {
  const launcher = path.join(opts.extensionPath, 'bin', 'ddas.js');
  const bundle = path.join(opts.extensionPath, 'dist', 'engine.js');
  if (!fs.existsSync(bundle)) throw new LaunchError(`the engine bundle ${bundle} is missing; build the extension (npm run build).`);
  // bin/ddas.js is the launcher people use on the command line; a package without it
  // still has the bundle, whose `main` we call the same way.
  const script = fs.existsSync(launcher)
    ? [launcher]
    : ['-e', `require(${JSON.stringify(bundle)}).main(process.argv.slice(1)).then((c) => { process.exitCode = c; })`];
  const usesHostNode = opts.nodePath.trim() === '';
  return {
    command: usesHostNode ? process.execPath : opts.nodePath,
    args: [...script, 'serve', '--backend', opts.backend],
    // In desktop VS Code the host's execPath is Electron: this makes it behave as Node.
    env: { ...(opts.env ?? process.env), ...(usesHostNode ? { ELECTRON_RUN_AS_NODE: '1' } : {}) },
    cwd: opts.cwd ?? opts.extensionPath,
  };
}
