import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Gateway, startGateway } from './gateway';
import type { GatewayDescription } from './gateway-description';
import { issuerOptionsFromEnv, type LocalIssuer, startLocalIssuer } from './issuer';
import { freePorts } from './ports';
import { LOCAL_AWS_CREDENTIALS, startReplayTable } from './replay-table';
import { BROWSER_APP } from '../route-table/callers';
import { ConfigError } from '../settings/errors';

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
  /** How serverless offline's two internal ports are picked (free ones; a test may hand others). */
  pickPorts?: (count: number) => Promise<number[]>;
  /**
   * false: the gateway applies no usage plan (npm run load's first run, which measures the
   * authorizer and the stack, not the callers' limits). Default true, as deployed.
   */
  usagePlans?: boolean;
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
          // The demo app's sign-in, and the API reference's (/docs, local/api-docs.ts).
          spaRedirectUris: options.spaOrigin
            ? [
                `${options.spaOrigin}/login/callback`,
                `${options.spaOrigin}/docs/oauth2-redirect.html`,
              ]
            : [],
        });
  // DPoP proofs are claimed in a real DynamoDB API, as on AWS.
  const replay = await startReplayTable();
  const work = mkdtempSync(join(tmpdir(), 'okta-api-gateway-'));
  const descriptionFile = join(work, 'gateway.json');
  const stopAround = async (offline?: Offline) => {
    await offline?.stop();
    await issuer?.close();
    await replay.close();
    rmSync(work, { recursive: true, force: true });
  };

  let offline: Offline | undefined;
  let gateway: Gateway | undefined;
  try {
    // Serverless offline's two internal ports are picked free, then handed over: another program
    // (or a stack starting at the same moment) may take one in between. Then it starts again on
    // other ports, at most three times.
    for (let attempt = 1; ; attempt += 1) {
      const ports = await (options.pickPorts ?? freePorts)(2);
      offline = startOffline(options, issuer, replay, descriptionFile, ports);
      const started = await offline.started;
      if ('url' in started) {
        gateway = await startGateway({
          port: options.apiPort,
          description: withoutPlansIf(
            options.usagePlans === false,
            JSON.parse(readFileSync(descriptionFile, 'utf8')) as GatewayDescription,
          ),
          offlineUrl: started.url,
          lambdaUrl: `http://127.0.0.1:${offline.lambdaPort}`,
          limits: { periodSeconds: quotaPeriodSeconds(env) },
        });
        break;
      }
      await offline.stop();
      if (!started.portTaken || attempt === 3) {
        throw new Error(`serverless offline exited (code ${started.code}) before it was ready`);
      }
      options.output?.(
        `port ${started.portTaken}, picked free for serverless offline, was taken while it started; starting it on other ports.`,
        'stderr',
      );
    }
  } catch (error) {
    await stopAround(offline);
    throw error;
  }
  const running = offline;
  const stop = async () => {
    await gateway?.close();
    await stopAround(running);
  };
  return {
    apiUrl: gateway.url,
    issuer,
    gateway,
    offline: running.child,
    exited: running.exited,
    stop,
  };
}

interface Offline {
  child: ChildProcess;
  lambdaPort: number;
  exited: Promise<number>;
  /** Its URL once ready; or its exit code, and the port it could not take if that was why. */
  started: Promise<{ url: string } | { code: number; portTaken?: number }>;
  stop(): Promise<void>;
}

/** Serverless offline on `offlinePort` (behind the gateway) and `lambdaPort` (invocations). */
function startOffline(
  options: StackOptions,
  issuer: LocalIssuer | undefined,
  replay: { endpoint: string; table: string },
  descriptionFile: string,
  [offlinePort, lambdaPort]: number[],
): Offline {
  const { env } = options;
  const child = spawn(
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
        ...(issuer && {
          OKTA_ISSUER: issuer.issuer,
          OKTA_AUDIENCE: issuer.audience,
          // The local issuer's client ids for routes.ts callers: their names, and its SPA client.
          CALLER_CLIENT_IDS: localCallerClientIds(issuer),
        }),
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
  const exited = new Promise<number>((resolve) => child.once('exit', (code) => resolve(code ?? 1)));
  let portTaken: number | undefined;
  const ready = new Promise<{ url: string }>((resolve) => {
    for (const name of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[name] as NodeJS.ReadableStream }).on('line', (line) => {
        // Offline's own banner names its internal port; the API is the gateway's, which does not
        // serve offline's Lambda invoke routes.
        if (!line.includes('/2015-03-31/functions/')) {
          options.output?.(line.replaceAll(`:${offlinePort}`, `:${options.apiPort}`), name);
        }
        const taken = /EADDRINUSE[^\n]*?:(\d+)/.exec(line)?.[1];
        if (taken && [offlinePort, lambdaPort].includes(Number(taken))) portTaken = Number(taken);
        const match = READY_LINE.exec(line);
        if (match?.[1]) resolve({ url: match[1].replace(/\/$/, '') });
      });
    }
  });
  return {
    child,
    lambdaPort: lambdaPort as number,
    exited,
    started: Promise.race([ready, exited.then((code) => ({ code, portTaken }))]),
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGTERM');
        } catch {
          // already gone
        }
        await exited;
      }
    },
  };
}

/** CALLER_CLIENT_IDS for the local issuer: each declared client is its name, the browser app its SPA client. */
function localCallerClientIds(issuer: LocalIssuer): string {
  return [
    ...issuer.declaredClients.map((client) => `${client.id}=${client.id}`),
    `${BROWSER_APP}=${issuer.spaClient.id}`,
  ].join(',');
}

/** LOCAL_QUOTA_PERIOD_SECONDS: every usage plan's quota period that long, to watch one end. */
function quotaPeriodSeconds(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.LOCAL_QUOTA_PERIOD_SECONDS?.trim();
  if (!raw) return undefined;
  const seconds = Number(raw);
  if (!Number.isInteger(seconds) || seconds < 1) {
    throw new ConfigError(
      `LOCAL_QUOTA_PERIOD_SECONDS must be a whole number of seconds from 1, not ${JSON.stringify(raw)}.`,
    );
  }
  return seconds;
}

/** The description with no usage plan and no method requiring a key, when `off`. */
function withoutPlansIf(off: boolean, description: GatewayDescription): GatewayDescription {
  if (!off) return description;
  return {
    ...description,
    usagePlans: [],
    routes: description.routes.map((route) => ({ ...route, apiKeyRequired: false })),
  };
}
