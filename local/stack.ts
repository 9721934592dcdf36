import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { issuerOptionsFromEnv, type LocalIssuer, startLocalIssuer } from './issuer';
import { freePort } from './ports';

export interface StackOptions {
  apiPort: number;
  /** Start a local issuer on this port; leave out to use OKTA_ISSUER from `env`. */
  issuerPort?: number;
  env: NodeJS.ProcessEnv;
  /** Where serverless offline's output goes, line by line. */
  output?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface Stack {
  apiUrl: string;
  issuer?: LocalIssuer;
  /** The serverless offline process (its own process group). */
  offline: ChildProcess;
  /** Resolves when serverless offline exits, with its exit code. */
  exited: Promise<number>;
  stop(): Promise<void>;
}

const READY_LINE = /Server ready: (http\S+)/;

/** The API under serverless offline and, unless OKTA_ISSUER is used, a local issuer beside it. */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { env } = options;
  const issuer =
    options.issuerPort === undefined
      ? undefined
      : await startLocalIssuer(issuerOptionsFromEnv(env, options.issuerPort));
  const offline = spawn(
    process.execPath,
    [require.resolve('serverless/bin/serverless.js'), 'offline', 'start'],
    {
      env: {
        ...env,
        ...(issuer && { OKTA_ISSUER: issuer.issuer, OKTA_AUDIENCE: issuer.audience }),
        API_PORT: String(options.apiPort),
        LAMBDA_PORT: String(await freePort()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      // Its own process group, so stopping it also stops the workers it starts.
      detached: true,
    },
  );
  const exited = new Promise<number>((resolve) =>
    offline.once('exit', (code) => resolve(code ?? 1)),
  );
  const stop = async () => {
    if (offline.exitCode === null && offline.signalCode === null && offline.pid) {
      try {
        process.kill(-offline.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await exited;
    }
    await issuer?.close();
  };

  const ready = new Promise<string>((resolve) => {
    for (const name of ['stdout', 'stderr'] as const) {
      createInterface({ input: offline[name] }).on('line', (line) => {
        options.output?.(line, name);
        const match = READY_LINE.exec(line);
        if (match?.[1]) resolve(match[1].replace(/\/$/, ''));
      });
    }
  });
  const apiUrl = await Promise.race([
    ready,
    exited.then((code) =>
      Promise.reject(new Error(`serverless offline exited (code ${code}) before it was ready`)),
    ),
  ]).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return { apiUrl, issuer, offline, exited, stop };
}
