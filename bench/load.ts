/**
 * `npm run load`: a bounded load test of GET /api/whoami through serverless offline, on loopback,
 * with a mix of valid, invalid and insufficient-scope tokens. It reports wrong answers, 5xx and
 * the offline process's memory, and exits non-zero unless all answers were right and memory stayed flat.
 * Then the two-caller run (bench/load-callers.ts): one caller flooding while another stays inside
 * its limits.
 */
import { execFileSync } from 'node:child_process';
import autocannon from 'autocannon';
import { freePort } from '../local/ports';
import { twoCallers } from './load-callers';
import { startStack } from '../local/stack';
import { requestToken } from '../testkit/token-request';
import { tamper } from '../testkit/tokens';

const REQUESTS = Number(process.env.LOAD_REQUESTS ?? 3000);
const IN_PROCESS_DECISIONS = 50_000;
/** The authorizer's own heap, after GC, may grow this much over the in-process run. */
const HEAP_GROWTH_MB = 2;
const WARMUP_REQUESTS = 300;
const CONNECTIONS = 10;
/** serverless offline's resident memory may grow this much from the end of the warm-up to the end. */
const FLAT_GROWTH = 0.25;

interface Kind {
  name: string;
  header?: string;
  expected: number;
  statuses: Map<number, number>;
}

async function main(): Promise<void> {
  const env = { ...process.env };
  for (const name of Object.keys(env)) if (name.startsWith('OKTA_')) delete env[name];
  // The authorizer and the stack under load: the callers' limits are the second run's subject.
  const stack = await startStack({
    apiPort: await freePort(),
    issuerPort: await freePort(),
    env,
    usagePlans: false,
  });
  try {
    const issuer = stack.issuer!;
    const token = (scope: string, extra?: Record<string, string>) =>
      requestToken(issuer.issuer, issuer.client, scope, extra);
    const valid = await token('AccessAll');
    const kinds: Kind[] = [
      { name: 'valid AccessAll token', header: `Bearer ${valid}`, expected: 200 },
      {
        name: 'ReadOnly token (insufficient scope)',
        header: `Bearer ${await token('ReadOnly')}`,
        expected: 403,
      },
      { name: 'tampered token', header: `Bearer ${tamper(valid)}`, expected: 401 },
      {
        name: 'token for another audience',
        header: `Bearer ${await token('AccessAll', { resource: 'api://another-api' })}`,
        expected: 401,
      },
      { name: 'not a JWT', header: 'Bearer not-a-jwt', expected: 401 },
      { name: 'SSWS API token', header: 'SSWS 00Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv', expected: 401 },
      { name: 'no Authorization header', expected: 401 },
    ].map((kind) => ({ ...kind, statuses: new Map<number, number>() }));

    const run = (amount: number, record: boolean) =>
      autocannon({
        url: `${stack.apiUrl}/api/whoami`,
        connections: CONNECTIONS,
        amount,
        requests: kinds.map((kind) => ({
          method: 'GET',
          path: '/api/whoami',
          headers: kind.header ? { authorization: kind.header } : {},
          onResponse: (status: number) => {
            if (record) kind.statuses.set(status, (kind.statuses.get(status) ?? 0) + 1);
          },
        })),
      });

    await run(WARMUP_REQUESTS, false);
    const pid = stack.offline.pid!;
    const afterWarmup = rssMb(pid);
    const samples: number[] = [];
    const sampler = setInterval(() => samples.push(rssMb(pid)), 250);
    const result = await run(REQUESTS, true);
    clearInterval(sampler);
    const atEnd = rssMb(pid);

    const wrong = kinds.reduce(
      (sum, k) =>
        sum + [...k.statuses].filter(([s]) => s !== k.expected).reduce((n, [, c]) => n + c, 0),
      0,
    );
    const fivexx = kinds.reduce(
      (sum, k) => sum + [...k.statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0),
      0,
    );
    const flat = atEnd <= afterWarmup * (1 + FLAT_GROWTH);

    console.log(
      `\nLoad: ${REQUESTS} requests to GET /api/whoami through serverless offline, ${CONNECTIONS} connections, after ${WARMUP_REQUESTS} warm-up\n`,
    );
    console.table(
      kinds.map((k) => ({
        request: k.name,
        expected: k.expected,
        answers: [...k.statuses].map(([s, c]) => `${s} x${c}`).join(', '),
        wrong: [...k.statuses].filter(([s]) => s !== k.expected).reduce((n, [, c]) => n + c, 0),
      })),
    );
    console.log(
      `requests completed   ${result.requests.total} (${result.errors} connection errors, ${result.timeouts} timeouts)`,
    );
    console.log(`throughput           ${result.requests.average.toFixed(0)} req/s`);
    console.log(
      `latency              p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
    );
    console.log(`wrong answers        ${wrong}`);
    console.log(`5xx                  ${fivexx}`);
    console.log(
      `offline process RSS  ${afterWarmup.toFixed(1)} MB after warm-up, peak ${Math.max(afterWarmup, ...samples).toFixed(1)} MB, ${atEnd.toFixed(1)} MB at the end: ${flat ? 'flat' : 'GREW'} (limit +${FLAT_GROWTH * 100}%)`,
    );

    const heap = await authorizerHeap(issuer.issuer, kinds);
    const heapFlat = heap.at(-1)! - heap[0]! <= HEAP_GROWTH_MB;
    console.log(
      `authorizer heap      ${heap.map((mb) => mb.toFixed(2)).join(' / ')} MB after GC, at 0 / ${IN_PROCESS_DECISIONS / 2} / ${IN_PROCESS_DECISIONS} more in-process decisions: ${heapFlat ? 'flat' : 'GREW'} (limit +${HEAP_GROWTH_MB} MB)`,
    );

    const ok =
      wrong === 0 &&
      fivexx === 0 &&
      result.errors === 0 &&
      result.timeouts === 0 &&
      flat &&
      heapFlat;
    console.log(ok ? '\nPASS: every answer right, no 5xx, memory flat.' : '\nFAIL');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await stack.stop();
  }
  const callersOk = await twoCallers(env);
  if (!callersOk) process.exitCode = 1;
}

/**
 * serverless offline's RSS includes offline itself; this isolates ours: the handler called in this
 * process with the same requests, heap measured after a forced GC (run with --expose-gc).
 */
async function authorizerHeap(issuer: string, kinds: Kind[]): Promise<number[]> {
  Object.assign(process.env, { OKTA_ISSUER: issuer, POWERTOOLS_LOG_LEVEL: 'ERROR' });
  // Loaded only now, after its environment is set, as a Lambda cold start would load it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { handler } = require('../authorizer/index') as typeof import('../authorizer/index');
  const methodArn = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/dev/GET/api/whoami';
  const decide = async (count: number) => {
    for (let i = 0; i < count; i += 1) {
      const authorizationToken = kinds[i % kinds.length]!.header as string;
      await handler({ type: 'TOKEN', authorizationToken, methodArn }).catch(() => undefined);
    }
  };
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (npm run load does)');
  const heapMb = () => (gc(), process.memoryUsage().heapUsed / 1e6);
  await decide(5_000);
  const samples = [heapMb()];
  await decide(IN_PROCESS_DECISIONS / 2);
  samples.push(heapMb());
  await decide(IN_PROCESS_DECISIONS / 2);
  samples.push(heapMb());
  return samples;
}

function rssMb(pid: number): number {
  return (
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) / 1024
  );
}

main().catch((error: unknown) => {
  console.error(`load: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
