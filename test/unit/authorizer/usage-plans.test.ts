import { MemoryReplayStore } from '../../../authorizer/replay-store';
import {
  API_HOST,
  bearer,
  coldStart,
  coldStartRequest,
  requestEvent,
  tokenEvent,
} from '../../../testkit/authorizer';
import { proof, proofKey } from '../../../testkit/dpop';
import { methodArn } from '../../../testkit/iam';
import { startJwksServer, type JwksServer } from '../../../testkit/jwks-server';
import { captureLogs, type CapturedLogs } from '../../../testkit/logs';
import { oktaClaims, rsaKey, sign, type TestKey } from '../../../testkit/tokens';

// Both authorizers name the caller of a token's client (routes.ts callers) and its usage plan's
// API key (`usageIdentifierKey`), which API Gateway meters; a cached answer stays right, since
// it depends on the client alone. The key never reaches a log line.
const KEYS = { job: 'a'.repeat(40), app: 'b'.repeat(40), others: 'c'.repeat(40) };
const API_CALLERS = `reporting-job=0oajob=${KEYS.job},browser-app=0oaapp=${KEYS.app},others=*=${KEYS.others}`;

let trusted: TestKey;
let jwks: JwksServer;
let logs: CapturedLogs;
beforeAll(async () => {
  trusted = await rsaKey();
  jwks = await startJwksServer([trusted.publicJwk]);
});
afterAll(() => jwks.close());
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => logs.restore());

const token = (cid: string, overrides: Record<string, unknown> = {}) =>
  sign(oktaClaims(jwks.issuer, { cid, ...overrides }), trusted);

describe('the TOKEN authorizer', () => {
  const start = () => coldStart({ OKTA_ISSUER: jwks.issuer, API_CALLERS });

  it.each([
    ['a declared client: its own plan', '0oajob', KEYS.job, 'reporting-job'],
    ["the browser app's users: its plan", '0oaapp', KEYS.app, 'browser-app'],
    ['an undeclared client: the plan for others', '0oaelse', KEYS.others, 'others'],
  ])('%s', async (_name, cid, key, caller) => {
    const result = await start()(tokenEvent(bearer(await token(cid))));
    expect(result.usageIdentifierKey).toBe(key);
    expect(result.context).toMatchObject({ cid, caller });
  });

  it('names the same key from its cache as on the first request, and on every route', async () => {
    const handler = start();
    const jobToken = await token('0oajob');
    const first = await handler(tokenEvent(bearer(jobToken)));
    const again = await handler(tokenEvent(bearer(jobToken), methodArn('GET', '/api/messages')));
    expect([first.usageIdentifierKey, again.usageIdentifierKey]).toEqual([KEYS.job, KEYS.job]);
    // Another client's token right after it gets its own.
    const other = await handler(tokenEvent(bearer(await token('0oaelse'))));
    expect(other.usageIdentifierKey).toBe(KEYS.others);
  });

  it('names the caller in the decision line, never the key', async () => {
    const handler = start();
    await handler(tokenEvent(bearer(await token('0oajob', { scp: ['ReadOnly'] }))));
    expect(logs.decisions().at(-1)).toMatchObject({ outcome: 'deny', caller: 'reporting-job' });
    expect(logs.text()).not.toContain(KEYS.job);
  });

  it('without API_CALLERS (a stage without limits), names no key and no caller', async () => {
    const result = await coldStart({ OKTA_ISSUER: jwks.issuer })(
      tokenEvent(bearer(await token('0oajob'))),
    );
    expect(result).not.toHaveProperty('usageIdentifierKey');
    expect(result.context).not.toHaveProperty('caller');
  });

  it('a malformed API_CALLERS fails the cold start loudly', () => {
    expect(() => coldStart({ OKTA_ISSUER: jwks.issuer, API_CALLERS: 'x=1=short' })).toThrow(
      /^API_CALLERS has "x" malformed/,
    );
  });
});

describe('the REQUEST (DPoP) authorizer, on every request', () => {
  it("names the key of the bound token's client, and others for an undeclared one", async () => {
    const handler = coldStartRequest(
      { OKTA_ISSUER: jwks.issuer, API_CALLERS },
      new MemoryReplayStore(),
      { 'POST /api/messages': { allOf: ['AccessAll'], dpop: 'required' } },
    );
    const key = await proofKey('ES256');
    for (const [cid, expected] of [
      ['0oajob', KEYS.job],
      ['0oaelse', KEYS.others],
    ]) {
      const at = await token(cid as string, { cnf: { jkt: key.jkt } });
      const signed = await proof(key, {
        htm: 'POST',
        htu: `https://${API_HOST}/dev/api/messages`,
        accessToken: at,
      });
      const result = await handler(
        requestEvent({
          method: 'POST',
          path: '/api/messages',
          headers: [
            ['Authorization', `DPoP ${at}`],
            ['DPoP', signed],
          ],
        }),
      );
      expect(result.usageIdentifierKey).toBe(expected);
    }
  });
});
