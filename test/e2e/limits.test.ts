import { freePort } from '../../local/ports';
import { isolatedEnv, type Running } from '../../testkit/processes';
import { ProjectCopy } from '../../testkit/project-copy';
import { startLocalStack } from '../../testkit/local-stack';
import { requestToken } from '../../testkit/token-request';
import { openApiDocument } from '../../openapi/document';
import { localTarget } from '../../openapi/targets';
import { callers, routes } from '../../routes';
import { answerChecker } from '../../testkit/openapi';

// Limits per caller through `npm start`: the local gateway applies each caller's usage plan to
// the key the authorizer named, as API Gateway does. routes.ts in a copy gives reporting-job a
// small plan and a new quota-job a quota of 3; the dev client is `others`.
const PERIOD_SECONDS = 6;
let copy: ProjectCopy;
let stack: Running;
let api: string;
let issuer: string;
let secret: string;

beforeAll(async () => {
  copy = new ProjectCopy();
  copy.edit('routes.ts', (text) =>
    text
      .replace(
        "limits: { rate: 10, burst: 20, quota: { limit: 50_000, period: 'DAY' } },",
        'limits: { rate: 2, burst: 4 },',
      )
      .replace(
        'clients: {',
        "clients: {\n    'quota-job': { scopes: ['ReadOnly'], limits: { rate: 50, burst: 100, quota: { limit: 3, period: 'DAY' } } },",
      ),
  );
  const env = isolatedEnv({
    API_PORT: String(await freePort()),
    ISSUER_PORT: String(await freePort()),
    LOCAL_QUOTA_PERIOD_SECONDS: String(PERIOD_SECONDS),
  });
  stack = await startLocalStack(env, copy);
  const field = (label: string) =>
    new RegExp(`^\\s+${label}\\s+(\\S+)$`, 'm').exec(stack.output())?.[1] as string;
  api = `http://localhost:${env.API_PORT}`;
  issuer = field('Issuer');
  secret = field('Secret');
}, 150_000);
afterAll(async () => {
  await stack?.stop();
  copy?.remove();
});

const tokenOf = (clientId: string) => requestToken(issuer, { id: clientId, secret }, 'ReadOnly');
const call = async (token: string) => {
  const started = performance.now();
  const response = await fetch(`${api}/api/messages`, {
    headers: { authorization: `Bearer ${token}`, origin: 'https://app.example.com' },
  });
  return {
    status: response.status,
    body: await response.text(),
    cors: response.headers.get('access-control-allow-origin'),
    ms: performance.now() - started,
  };
};
// A 429 is one the OpenAPI document (npm run openapi) describes.
const checkAnswer = answerChecker(openApiDocument(localTarget({}), { routes, callers }));
const documented = (answer: { status: number; body: string }) =>
  checkAnswer('GET', '/api/messages', { ...answer, headers: new Headers() });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

it('a caller flooding at four times its burst plus rate gets 429s; another caller loses nothing', async () => {
  const [flooder, other] = await Promise.all([
    tokenOf('reporting-job'),
    tokenOf('local-dev-client'),
  ]);
  const started = performance.now();
  const flood = Promise.all(Array.from({ length: 4 * (4 + 2) }, () => call(flooder)));
  const steady: Awaited<ReturnType<typeof call>>[] = [];
  for (let i = 0; i < 8; i += 1) {
    steady.push(await call(other));
    await sleep(50);
  }
  const flooded = await flood;
  const seconds = (performance.now() - started) / 1000;
  const statuses = flooded.map((r) => r.status);
  // The burst at once, then 2 a second for as long as the flood lasted; the rest refused.
  const served = statuses.filter((s) => s === 200).length;
  expect(served).toBeGreaterThanOrEqual(4);
  expect(served).toBeLessThanOrEqual(4 + Math.ceil(2 * seconds));
  expect(served).toBeLessThan(statuses.length);
  expect(statuses.filter((s) => s !== 200).every((s) => s === 429)).toBe(true);
  const throttled = flooded.find((r) => r.status === 429)!;
  // API Gateway's THROTTLED gateway response, with the CORS headers serverless.yml gives it.
  expect(JSON.parse(throttled.body)).toEqual({ message: 'Too Many Requests' });
  expect(documented(throttled)).toEqual([]);
  expect(throttled.cors).toBe('*');
  expect(steady.map((r) => r.status)).toEqual(Array(8).fill(200));

  // Slower, the flooder is served again: its bucket refills at 2 a second.
  await sleep(1100);
  expect((await call(flooder)).status).toBe(200);
}, 60_000);

it('a spent quota gets "Limit Exceeded" until its period ends', async () => {
  const token = await tokenOf('quota-job');
  // Start just after a period begins, so the three fit in it.
  const periodMs = PERIOD_SECONDS * 1000;
  await sleep(periodMs - (Date.now() % periodMs) + 100);
  const spent = [];
  for (let i = 0; i < 4; i += 1) spent.push(await call(token));
  expect(spent.map((r) => r.status)).toEqual([200, 200, 200, 429]);
  expect(JSON.parse(spent[3]!.body)).toEqual({ message: 'Limit Exceeded' });
  expect(documented(spent[3]!)).toEqual([]);
  expect((await call(token)).status).toBe(429);
  await sleep(periodMs - (Date.now() % periodMs) + 100);
  expect((await call(token)).status).toBe(200);
}, 60_000);
