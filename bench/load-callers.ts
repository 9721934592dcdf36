/**
 * `npm run load`'s two-caller run, through `npm start`'s stack with routes.ts's usage plans: one
 * caller (reporting-job) floods at four times its burst plus its rate per second, while another
 * (the dev client, `others`) sends at a pace inside its own limits. Each caller's outcomes and p99,
 * and the other caller's p99 with and without the flood. It passes when the other caller loses no
 * request and its p99 stays within 1.5 times its p99 without the flood.
 */
import autocannon from 'autocannon';
import { freePort } from '../local/ports';
import { startStack } from '../local/stack';
import { callers } from '../routes';
import { requestToken } from '../testkit/token-request';

const FLOODER = 'reporting-job';
const SECONDS = 5;
/** The other caller's pace, requests per second: inside its plan (others: rate 25). */
const STEADY_RATE = 10;
const P99_LIMIT = 1.5;

interface Outcome {
  statuses: Map<number, number>;
  latencies: number[];
}

export async function twoCallers(env: NodeJS.ProcessEnv): Promise<boolean> {
  const stack = await startStack({ apiPort: await freePort(), issuerPort: await freePort(), env });
  try {
    const issuer = stack.issuer!;
    const url = `${stack.apiUrl}/api/messages`;
    const [flooderToken, otherToken] = await Promise.all([
      requestToken(issuer.issuer, { id: FLOODER, secret: issuer.client.secret }, 'ReadOnly'),
      requestToken(issuer.issuer, issuer.client, 'ReadOnly'),
    ]);
    const limits = callers.clients[FLOODER].limits;
    const floodRate = 4 * (limits.burst + limits.rate);
    // Warm, as a stage in use is: the authorizer, and as many of serverless offline's workers as
    // the flooder's burst lets through at once (on Lambda, each would be a warm container; here
    // they share one machine, and a cold one takes a second). Then its bucket fills again.
    await steady(url, otherToken, 1);
    await Promise.all(
      Array.from({ length: limits.burst }, () =>
        fetch(url, { headers: { authorization: `Bearer ${flooderToken}` } }).then((r) =>
          r.arrayBuffer(),
        ),
      ),
    );
    await new Promise((resolve) => setTimeout(resolve, (limits.burst / limits.rate) * 1000 + 500));

    const alone = await steady(url, otherToken, STEADY_RATE * SECONDS);
    const [flood, beside] = await Promise.all([
      autocannonRun(url, flooderToken, floodRate),
      steady(url, otherToken, STEADY_RATE * SECONDS),
    ]);

    const p99 = (o: Outcome) => percentile(o.latencies, 0.99);
    const row = (caller: string, what: string, o: Outcome) => ({
      caller,
      what,
      requests: o.latencies.length,
      answers: [...o.statuses].map(([s, c]) => `${s} x${c}`).join(', '),
      'p99 ms': p99(o).toFixed(1),
    });
    console.log(
      `\nTwo callers: ${FLOODER} (rate ${limits.rate}, burst ${limits.burst}) floods at ${floodRate} requests/s for ${SECONDS} s; the dev client (others) sends ${STEADY_RATE}/s\n`,
    );
    console.table([
      row('others (dev client)', 'alone', alone),
      row(FLOODER, `flooding at ${floodRate}/s`, flood),
      row('others (dev client)', 'beside the flood', beside),
    ]);
    const lost = [...beside.statuses].filter(([s]) => s !== 200).reduce((n, [, c]) => n + c, 0);
    const ratio = p99(beside) / p99(alone);
    const throttled = flood.statuses.get(429) ?? 0;
    console.log(`the flooder throttled   ${throttled} of ${flood.latencies.length} (429)`);
    console.log(`the other caller lost   ${lost} requests`);
    console.log(
      `its p99                 ${p99(alone).toFixed(1)} ms alone, ${p99(beside).toFixed(1)} ms beside the flood: ${ratio.toFixed(2)}x (limit ${P99_LIMIT}x)`,
    );
    const ok = lost === 0 && throttled > 0 && ratio <= P99_LIMIT;
    console.log(ok ? '\nPASS: the flood stayed with its caller.' : '\nFAIL');
    return ok;
  } finally {
    await stack.stop();
  }
}

/** `count` requests at STEADY_RATE a second, each timed. */
async function steady(url: string, token: string, count: number): Promise<Outcome> {
  const outcome: Outcome = { statuses: new Map(), latencies: [] };
  const started = performance.now();
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const due = started + (i * 1000) / STEADY_RATE;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - performance.now())));
      const sent = performance.now();
      const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
      await response.arrayBuffer();
      outcome.latencies.push(performance.now() - sent);
      outcome.statuses.set(response.status, (outcome.statuses.get(response.status) ?? 0) + 1);
    }),
  );
  return outcome;
}

/** The flood: `rate` requests a second for SECONDS, over ten connections. */
async function autocannonRun(url: string, token: string, rate: number): Promise<Outcome> {
  const outcome: Outcome = { statuses: new Map(), latencies: [] };
  await autocannon({
    url,
    connections: 10,
    overallRate: rate,
    duration: SECONDS,
    headers: { authorization: `Bearer ${token}` },
    setupClient: (client) => {
      client.on('response', (status: number, _bytes: number, responseTime: number) => {
        outcome.statuses.set(status, (outcome.statuses.get(status) ?? 0) + 1);
        outcome.latencies.push(responseTime);
      });
    },
  });
  return outcome;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? 0;
}
