import { randomUUID } from 'node:crypto';
import { answer, bearer, coldStart } from '../../testkit/authorizer';
import { type JwksServer, startJwksServer } from '../../testkit/jwks-server';
import { captureLogs, type CapturedLogs } from '../../testkit/logs';
import { oktaClaims, rsaKey, sign, type TestKey } from '../../testkit/tokens';

// The identity provider misbehaving: loopback JWKS servers that are stopped, slowed and made to
// answer garbage. 500 means "cannot decide": never a 401 that sends clients for new tokens, never an Allow.
let key: TestKey;
let jwks: JwksServer;
let logs: CapturedLogs;
const realNow = Date.now;

beforeAll(async () => {
  key = await rsaKey();
});
beforeEach(async () => {
  jwks = await startJwksServer([key.publicJwk]);
  logs = captureLogs();
});
afterEach(async () => {
  jest.restoreAllMocks();
  logs.restore();
  await jwks.close();
});

const later = (ms: number) => jest.spyOn(Date, 'now').mockImplementation(() => realNow() + ms);
const tokenBy = async (signer: TestKey) => bearer(await sign(oktaClaims(jwks.issuer), signer));
/** Tokens with kids the issuer never published, made up front so the requests come back to back. */
const unknownKidTokens = async (count: number) => {
  const stranger = await rsaKey();
  return Promise.all(
    Array.from({ length: count }, () =>
      sign(oktaClaims(jwks.issuer), stranger, { kid: randomUUID() }).then(bearer),
    ),
  );
};
const warmAuthorizer = async () => {
  const handler = coldStart({ OKTA_ISSUER: jwks.issuer });
  expect(await answer(handler, await tokenBy(key))).toEqual({ status: 200 });
  return handler;
};
const decisions = () => logs.decisions();

describe('JWKS down after a warm start', () => {
  it.each(['down', 'unreachable'] as const)('(%s): cached keys still pass', async (mode) => {
    const handler = await warmAuthorizer();
    jwks.mode = mode;
    for (let i = 0; i < 5; i += 1)
      expect(await answer(handler, await tokenBy(key))).toEqual({ status: 200 });
    expect(jwks.requests).toBe(1);
  });

  it('an unknown kid gets 500, and a stream of them does not hammer the endpoint', async () => {
    const handler = await warmAuthorizer();
    const tokens = await unknownKidTokens(21);
    jwks.mode = 'down';
    for (const token of tokens.slice(0, 20))
      expect((await answer(handler, token)).status).toBe(500);
    expect(jwks.requests).toBe(2); // the prefetch and one refetch; the back-off refused the rest
    expect(decisions().at(-1)).toMatchObject({
      level: 'ERROR',
      outcome: 'error',
      reason: 'jwks_unavailable',
    });

    // Once the back-off has passed and the issuer is back, an unknown kid is a plain 401 again.
    jwks.mode = 'ok';
    later(2_000);
    expect(await answer(handler, tokens[20])).toMatchObject({ status: 401 });
    expect(jwks.requests).toBe(3);
  });
});

it('JWKS slow: the fetch times out well inside the Lambda timeout and the request fails closed', async () => {
  const handler = await warmAuthorizer();
  const [token] = await unknownKidTokens(1);
  jwks.mode = 'slow';
  const started = realNow();
  const { status } = await answer(handler, token);
  const elapsed = realNow() - started;
  expect(status).toBe(500);
  expect(elapsed).toBeLessThan(6_000); // the authorizer function's timeout in serverless.yml
  expect(decisions().at(-1)).toMatchObject({ reason: 'jwks_unavailable' });
});

it('JWKS answers garbage: 500, with the same back-off', async () => {
  const handler = await warmAuthorizer();
  const tokens = await unknownKidTokens(10);
  jwks.mode = 'garbage';
  for (const token of tokens) expect((await answer(handler, token)).status).toBe(500);
  expect(jwks.requests).toBe(2);
  // The garbage itself, then the back-off refusing to fetch again.
  expect(
    decisions()
      .slice(1)
      .map((d) => d.reason),
  ).toEqual(['jwks_invalid', ...Array(9).fill('jwks_unavailable')]);
});

describe('key rotation', () => {
  it('a newly published key is accepted without a restart', async () => {
    const handler = await warmAuthorizer();
    const next = await rsaKey();
    jwks.keys.push(next.publicJwk);
    expect(await answer(handler, await tokenBy(next))).toEqual({ status: 200 });
  });

  it('a removed key is trusted until the cached JWKS is 10 minutes old, then refused', async () => {
    const handler = await warmAuthorizer();
    const next = await rsaKey();
    jwks.keys.splice(0, jwks.keys.length, next.publicJwk);

    later(9 * 60_000);
    expect(await answer(handler, await tokenBy(key))).toEqual({ status: 200 });
    expect(jwks.requests).toBe(1);

    later(10 * 60_000 + 1_000);
    expect(await answer(handler, await tokenBy(key))).toMatchObject({ status: 401 });
    expect(decisions().at(-1)).toMatchObject({ reason: 'unknown_key' });
    expect(await answer(handler, await tokenBy(next))).toEqual({ status: 200 });
  });

  it('if the refresh fails, the cached keys keep serving, with a warning', async () => {
    const handler = await warmAuthorizer();
    jwks.mode = 'down';
    later(11 * 60_000);
    expect(await answer(handler, await tokenBy(key))).toEqual({ status: 200 });
    expect(logs.lines()).toContainEqual(
      expect.objectContaining({
        level: 'WARN',
        message: 'JWKS refresh failed; still using the cached keys',
        jwksUri: jwks.jwksUri,
        error: expect.objectContaining({ message: expect.stringMatching(/Status code is 503/) }),
      }),
    );
  });
});

it('cold start with the issuer unreachable: fails closed with a clear log line, then recovers', async () => {
  jwks.mode = 'unreachable';
  const handler = coldStart({ OKTA_ISSUER: jwks.issuer });
  const token = await tokenBy(key);
  expect(await answer(handler, token)).toMatchObject({ status: 500 });
  expect(logs.lines()).toContainEqual(
    expect.objectContaining({
      level: 'ERROR',
      message: 'JWKS prefetch failed',
      reason: 'jwks_unavailable',
      issuers: [expect.objectContaining({ jwksUri: jwks.jwksUri })],
    }),
  );

  jwks.mode = 'ok';
  later(2_000);
  expect(await answer(handler, token)).toEqual({ status: 200 });
});
