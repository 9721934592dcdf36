import { TEST_CALLER_CLIENT_IDS } from '../../testkit/project-copy';
import { freePort } from '../../local/ports';
import { requestToken } from '../../testkit/token-request';
import { oktaClaims, rsaKey, sign, tamper } from '../../testkit/tokens';
import { isolatedEnv, type Running, runTsx } from '../../testkit/processes';
import { type DocumentedAnswer, documentedAnswers } from '../../testkit/readme';
import { startLocalStack } from '../../testkit/local-stack';
import { openApiDocument } from '../../openapi/document';
import { localTarget } from '../../openapi/targets';
import { callers, routes } from '../../routes';
import { answerChecker, operationsOf, requestKey } from '../../testkit/openapi';

// What API Gateway answers on AWS, from serverless.yml (gateway responses, CORS, routes), asserted
// against `npm start`. The same cases run against a deployed stage with E2E_API_URL, E2E_ISSUER,
// E2E_CLIENT_ID, E2E_CLIENT_SECRET and E2E_ORIGIN (one of its CORS_ORIGINS) set.
const ALLOWED = process.env.E2E_ORIGIN ?? 'https://app.example.com';
const REFUSED = 'https://elsewhere.example';

let stack: Running | undefined;
let api: string;
let tokens: { accessAll: string; readOnly: string };

beforeAll(async () => {
  if (process.env.E2E_API_URL) {
    api = process.env.E2E_API_URL.replace(/\/$/, '');
    const issuer = process.env.E2E_ISSUER as string;
    const client = {
      id: process.env.E2E_CLIENT_ID as string,
      secret: process.env.E2E_CLIENT_SECRET as string,
    };
    tokens = {
      accessAll: await requestToken(issuer, client, 'AccessAll'),
      readOnly: await requestToken(issuer, client, 'ReadOnly'),
    };
    return;
  }
  const env = isolatedEnv({
    API_PORT: String(await freePort()),
    ISSUER_PORT: String(await freePort()),
    CORS_ORIGINS: ALLOWED,
  });
  stack = await startLocalStack(env);
  api = `http://localhost:${env.API_PORT}`;
  const token = async (scope: string) =>
    (await runTsx('local/token.ts', ['--scope', scope], env)).stdout.trim();
  tokens = { accessAll: await token('AccessAll'), readOnly: await token('ReadOnly') };
}, 150_000);
afterAll(() => stack?.stop());

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${api}${path}`, { headers: { Origin: ALLOWED, ...headers } });
const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

const answers = documentedAnswers();
// The OpenAPI document (npm run openapi) describes each of these answers too, where it is one of
// its operations' (not a preflight, nor a path the API does not have).
const document = openApiDocument(localTarget({}), { routes, callers });
const checkAnswer = answerChecker(document);
const operations = new Set(operationsOf(document).map((o) => o.key));

/** How to send each request of docs/api.md's table. */
const requests: Record<string, () => Promise<Response>> = {
  'hello without a token': () => get('/api/hello'),
  'messages with a ReadOnly token': () => get('/api/messages', bearer(tokens.readOnly)),
  'whoami with an AccessAll token': () => get('/api/whoami', bearer(tokens.accessAll)),
  'whoami without a token': () => get('/api/whoami'),
  'whoami with Basic credentials': () =>
    get('/api/whoami', { Authorization: 'Basic dXNlcjpwYXNz' }),
  'whoami with a tampered token': () =>
    get('/api/whoami', bearer(tamper(tokens.readOnly, { scp: ['AccessAll'] }))),
  'messages without a token': () => get('/api/messages'),
  'whoami with a ReadOnly token': () => get('/api/whoami', bearer(tokens.readOnly)),
  'a path the API does not have': () => get('/api/nothing-here'),
  'a CORS preflight from an allowed origin': () =>
    fetch(`${api}/api/whoami`, {
      method: 'OPTIONS',
      headers: {
        Origin: ALLOWED,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    }),
};
const UNREACHABLE_ISSUER = "whoami while the issuer's keys cannot be fetched";

it("covers every row of docs/api.md's table, and docs/api.md every request", () => {
  expect([...answers.keys()].sort()).toEqual([...Object.keys(requests), UNREACHABLE_ISSUER].sort());
});

/** The response against docs/api.md's row: status, the exact body where it has one, the headers. */
async function expectDocumented(response: Response, name: string): Promise<void> {
  const documented = answers.get(name) as DocumentedAnswer;
  const text = await response.text();
  const headers = Object.fromEntries(
    Object.keys(documented.headers).map((header) => [header, response.headers.get(header)]),
  );
  expect({ name, status: response.status, headers }).toEqual({
    name,
    status: documented.status,
    headers: documented.headers,
  });
  if (documented.body === '') expect(text).toBe('');
  else if (documented.body !== undefined) expect(JSON.parse(text)).toEqual(documented.body);
  const path = new URL(response.url).pathname.slice(
    new URL(api).pathname.replace(/\/$/, '').length,
  );
  if (operations.has(requestKey('GET', path)) && documented.body !== '') {
    expect(
      checkAnswer('GET', path, { status: response.status, headers: response.headers, body: text }),
    ).toEqual([]);
  }
  // Never credentials: the API takes bearer tokens, not cookies.
  expect(response.headers.get('access-control-allow-credentials')).toBeNull();
}

it.each(Object.keys(requests))('%s', async (name) => {
  await expectDocumented(await (requests[name] as () => Promise<Response>)(), name);
});

describe('an origin not in CORS_ORIGINS', () => {
  it('gets no Access-Control-Allow-Origin from a function, so a browser withholds the response', async () => {
    for (const response of [
      await get('/api/hello', { Origin: REFUSED }),
      await get('/api/whoami', { Origin: REFUSED, ...bearer(tokens.accessAll) }),
    ]) {
      expect(response.status).toBe(200);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('gets the allowed origin, not its own, on gateway errors and preflights', async () => {
    const unauthorized = await get('/api/whoami', { Origin: REFUSED });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    const preflight = await fetch(`${api}/api/whoami`, {
      method: 'OPTIONS',
      headers: { Origin: REFUSED, 'Access-Control-Request-Method': 'GET' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });
});

it('never lets a client choose its identity: a forged offline override header is dropped', async () => {
  const forged = {
    'sls-offline-authorizer-override': JSON.stringify({
      principalId: 'admin',
      sub: 'admin',
      scope: 'AccessAll',
    }),
  };
  expect((await get('/api/whoami', forged)).status).toBe(401);
  expect((await get('/api/whoami', { ...forged, ...bearer(tokens.readOnly) })).status).toBe(403);
  const messages = await get('/api/messages', { ...forged, ...bearer(tokens.readOnly) });
  expect(await messages.json()).toMatchObject({
    requestedBy: { sub: expect.not.stringMatching(/^admin$/) },
  });
});

(process.env.E2E_API_URL ? describe.skip : describe)('when the issuer cannot be reached', () => {
  it('answers 500 with the DEFAULT_5XX gateway response: the client is not told to get a new token', async () => {
    const unreachable = `http://127.0.0.1:${await freePort()}/oauth2/default`;
    const env = isolatedEnv({
      API_PORT: String(await freePort()),
      OKTA_ISSUER: unreachable,
      CALLER_CLIENT_IDS: TEST_CALLER_CLIENT_IDS,
      CORS_ORIGINS: ALLOWED,
    });
    const down = await startLocalStack(env);
    try {
      const token = await sign(oktaClaims(unreachable), await rsaKey());
      const response = await fetch(`http://localhost:${env.API_PORT}/api/whoami`, {
        headers: { Origin: ALLOWED, ...bearer(token) },
      });
      expect(response.headers.get('www-authenticate')).toBeNull();
      await expectDocumented(response, UNREACHABLE_ISSUER);
    } finally {
      await down.stop();
    }
  }, 150_000);
});
