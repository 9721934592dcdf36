import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Gateway, startGateway } from './gateway';
import type { GatewayDescription } from './gateway-description';
import { issuerOptionsFromEnv, type LocalIssuer, startLocalIssuer } from './issuer';
import { freePort } from './ports';
import { LOCAL_AWS_CREDENTIALS, startReplayTable } from './replay-table';

export interface StackOptions {
  apiPort: number;
  /** Start a local issuer on this port; leave out to use OKTA_ISSUER from `env`. */
  issuerPort?: number;
  /** The demo app's origin: the local issuer's SPA client may send users back there. */
  spaOrigin?: string;
  env: NodeJS.ProcessEnv;
  /**
   * Files to remove if this process is killed hard (kill -9) before it could: its state, with the
   * dev secrets in it. Serverless offline, which outlives it by a moment, removes them.
   */
  removeOnKill?: string[];
  /** Where serverless offline's output goes, line by line. */
  output?: (line: string, stream: 'stdout' | 'stderr') => void;
}

export interface Stack {
  /** The local gateway, which answers as API Gateway does. */
  apiUrl: string;
  issuer?: LocalIssuer;
  gateway: Gateway;
  /** The serverless offline process (its own process group). */
  offline: ChildProcess;
  /** Resolves when serverless offline exits, with its exit code. */
  exited: Promise<number>;
  stop(): Promise<void>;
}

const READY_LINE = /Server ready: (http\S+)/;

/**
 * The API: serverless offline running the functions on internal ports, behind the local gateway
 * on `apiPort`; and, unless OKTA_ISSUER is used, a local issuer beside it.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const { env } = options;
  const issuer =
    options.issuerPort === undefined
      ? undefined
      : await startLocalIssuer({
          ...issuerOptionsFromEnv(env, options.issuerPort),
          spaRedirectUris: options.spaOrigin ? [`${options.spaOrigin}/login/callback`] : [],
        });
  // DPoP proofs are claimed in a real DynamoDB API, as on AWS.
  const replay = await startReplayTable();
  const [offlinePort, lambdaPort] = [await freePort(), await freePort()];
  const work = mkdtempSync(join(tmpdir(), 'okta-api-gateway-'));
  const descriptionFile = join(work, 'gateway.json');
  const offline = spawn(
    process.execPath,
    [
      // Stops offline when this process is gone, however it went (the pipe on fd 3 closes).
      '--require',
      join(__dirname, 'offline-lifeline.cjs'),
      require.resolve('serverless/bin/serverless.js'),
      'offline',
      'start',
      // Authorization is the local gateway's job, as it is API Gateway's.
      '--noAuth',
    ],
    {
      env: {
        ...env,
        ...(issuer && { OKTA_ISSUER: issuer.issuer, OKTA_AUDIENCE: issuer.audience }),
        API_PORT: String(offlinePort),
        LAMBDA_PORT: String(lambdaPort),
        LOCAL_GATEWAY_FILE: descriptionFile,
        LOCAL_STACK_LIFELINE_FD: '3',
        // The DPoP authorizer: its replay table, and the hosts a proof's htu may name here.
        ...LOCAL_AWS_CREDENTIALS,
        AWS_ENDPOINT_URL_DYNAMODB: replay.endpoint,
        LOCAL_DPOP_REPLAY_TABLE: replay.table,
        DPOP_HOSTS: `localhost:${options.apiPort},127.0.0.1:${options.apiPort}`,
        LOCAL_STACK_REMOVE_ON_KILL: JSON.stringify(options.removeOnKill ?? []),
      },
      // fd 3: the lifeline, never written to.
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      // Its own process group, so stopping it also stops the workers it starts, and Ctrl+C in
      // the terminal reaches this process, which stops it in order.
      detached: true,
    },
  );
  const exited = new Promise<number>((resolve) =>
    offline.once('exit', (code) => resolve(code ?? 1)),
  );
  let gateway: Gateway | undefined;
  const stop = async () => {
    await gateway?.close();
    if (offline.exitCode === null && offline.signalCode === null && offline.pid) {
      try {
        process.kill(-offline.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await exited;
    }
    await issuer?.close();
    await replay.close();
    rmSync(work, { recursive: true, force: true });
  };

  const ready = new Promise<string>((resolve) => {
    for (const name of ['stdout', 'stderr'] as const) {
      createInterface({ input: offline[name] as NodeJS.ReadableStream }).on('line', (line) => {
        // Offline's own banner names its internal port; the API is the gateway's, which does not
        // serve offline's Lambda invoke routes.
        if (!line.includes('/2015-03-31/functions/')) {
          options.output?.(line.replaceAll(`:${offlinePort}`, `:${options.apiPort}`), name);
        }
        const match = READY_LINE.exec(line);
        if (match?.[1]) resolve(match[1].replace(/\/$/, ''));
      });
    }
  });
  try {
    const offlineUrl = await Promise.race([
      ready,
      exited.then((code) =>
        Promise.reject(new Error(`serverless offline exited (code ${code}) before it was ready`)),
      ),
    ]);
    gateway = await startGateway({
      port: options.apiPort,
      description: JSON.parse(readFileSync(descriptionFile, 'utf8')) as GatewayDescription,
      offlineUrl,
      lambdaUrl: `http://127.0.0.1:${lambdaPort}`,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { apiUrl: gateway.url, issuer, gateway, offline, exited, stop };
}
