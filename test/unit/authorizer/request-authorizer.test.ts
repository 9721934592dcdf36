import { bearer, coldStartRequest, requestAnswer, requestEvent } from '../../../testkit/authorizer';
import { captureLogs, type CapturedLogs } from '../../../testkit/logs';
import { MemoryReplayStore } from '../../../authorizer/replay-store';
import { startJwksServer, type JwksServer } from '../../../testkit/jwks-server';
import { oktaClaims, rsaKey, sign, type TestKey } from '../../../testkit/tokens';

// The DPoP authorizer's cold start (authorizer/pipeline.ts): a bad setting fails it loudly, and the
// identity provider misbehaving is logged as the Bearer authorizer logs it
// (test/security/identity-provider.test.ts). The proof checks are in test/security/dpop-matrix.test.ts.
const ROUTES = { 'GET /api/messages': { anyOf: ['ReadOnly', 'AccessAll'], dpop: 'allowed' } };

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

const start = (env: Record<string, string> = {}) =>
  coldStartRequest({ OKTA_ISSUER: jwks.issuer, ...env }, new MemoryReplayStore(), ROUTES);
const call = async (handler: ReturnType<typeof start>) =>
  requestAnswer(
    handler,
    requestEvent({
      method: 'GET',
      path: '/api/messages',
      headers: [['Authorization', bearer(await sign(oktaClaims(jwks.issuer), key))]],
    }),
  );

it('a bad DPoP setting fails the cold start, with its line in the log', () => {
  expect(() => start({ DPOP_HOSTS: 'api.example.com/v1' })).toThrow(/^DPOP_HOSTS has/);
  expect(logs.lines()).toContainEqual(
    expect.objectContaining({
      level: 'ERROR',
      message: 'authorizer misconfigured',
      error: expect.objectContaining({ message: expect.stringMatching(/^DPOP_HOSTS has/) }),
    }),
  );
});

it('the issuer unreachable at cold start: 500 with a clear log line, then it recovers', async () => {
  jwks.mode = 'unreachable';
  const handler = start();
  expect(await call(handler)).toMatchObject({ status: 500 });
  expect(logs.lines()).toContainEqual(
    expect.objectContaining({
      level: 'ERROR',
      message: 'JWKS prefetch failed',
      reason: 'jwks_unavailable',
      issuers: [expect.objectContaining({ jwksUri: jwks.jwksUri })],
    }),
  );
  jwks.mode = 'ok';
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 2_000);
  expect(await call(handler)).toMatchObject({ status: 200 });
});

it('a failed JWKS refresh keeps the cached keys serving, with a warning', async () => {
  const handler = start();
  expect(await call(handler)).toMatchObject({ status: 200 });
  jwks.mode = 'down';
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 11 * 60_000);
  expect(await call(handler)).toMatchObject({ status: 200 });
  expect(logs.lines()).toContainEqual(
    expect.objectContaining({
      level: 'WARN',
      message: 'JWKS refresh failed; still using the cached keys',
      jwksUri: jwks.jwksUri,
      error: expect.objectContaining({ message: expect.stringMatching(/Status code is 503/) }),
    }),
  );
});

describe('the Authorization header as the REQUEST authorizer reads it', () => {
  const event = (headers: [string, string][]) =>
    requestEvent({ method: 'GET', path: '/api/messages', headers });

  it('is trimmed: a caller other than API Gateway may send spaces around it', async () => {
    const token = await sign(oktaClaims(jwks.issuer), key);
    expect(await requestAnswer(start(), event([['Authorization', `  ${bearer(token)} `]]))).toEqual(
      expect.objectContaining({ status: 200 }),
    );
  });

  it('missing, or listed with no values, is a missing token (401), never a crash', async () => {
    const handler = start();
    expect(await requestAnswer(handler, event([]))).toEqual({ status: 401 });
    const listedEmpty = event([]);
    (listedEmpty.multiValueHeaders as Record<string, string[] | undefined>).Authorization =
      undefined;
    expect(await requestAnswer(handler, listedEmpty)).toEqual({ status: 401 });
    const reasons = logs.lines().map((line) => (line as { reason?: string }).reason);
    expect(reasons).toEqual(['missing_token', 'missing_token']);
  });
});
