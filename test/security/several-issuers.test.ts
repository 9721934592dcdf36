import { answer, bearer, coldStart } from '../../testkit/authorizer';
import { captureLogs, type CapturedLogs } from '../../testkit/logs';
import { startJwksServer, type JwksServer } from '../../testkit/jwks-server';
import { oktaClaims, rsaKey, sign, type TestKey } from '../../testkit/tokens';

// OKTA_ISSUER with two authorization servers (a migration from `default` to a dedicated one, or two
// orgs): each one's tokens verify against its own keys and audience; nothing else passes.
let keyA: TestKey;
let keyB: TestKey;
let keyC: TestKey;
let a: JwksServer;
let b: JwksServer;
let c: JwksServer;
let logs: CapturedLogs;
const realNow = Date.now;

beforeAll(async () => {
  [keyA, keyB, keyC] = await Promise.all([rsaKey(), rsaKey(), rsaKey()]);
  [a, b, c] = await Promise.all([
    startJwksServer([keyA.publicJwk]),
    startJwksServer([keyB.publicJwk]),
    startJwksServer([keyC.publicJwk]),
  ]);
});
afterAll(() => Promise.all([a.close(), b.close(), c.close()]));
beforeEach(() => {
  logs = captureLogs();
});
afterEach(() => {
  jest.restoreAllMocks();
  logs.restore();
});

const start = () =>
  coldStart({ OKTA_ISSUER: `${a.issuer},${b.issuer}`, OKTA_AUDIENCE: 'api://a,api://b' });
const tokenOf = (server: JwksServer, key: TestKey, audience: string) =>
  sign(oktaClaims(server.issuer, { aud: audience }), key).then(bearer);

it('accepts a token from each issuer, with its own audience, and the decision line names the issuer', async () => {
  const handler = start();
  expect(await answer(handler, await tokenOf(a, keyA, 'api://a'))).toEqual({ status: 200 });
  expect(logs.decisions().at(-1)).toMatchObject({ outcome: 'allow', iss: a.issuer });
  expect(await answer(handler, await tokenOf(b, keyB, 'api://b'))).toEqual({ status: 200 });
  expect(logs.decisions().at(-1)).toMatchObject({ outcome: 'allow', iss: b.issuer });
  // Both JWKS were fetched once, at the cold start.
  expect([a.requests, b.requests]).toEqual([1, 1]);
});

it("refuses a token with the other issuer's audience", async () => {
  const handler = start();
  expect(await answer(handler, await tokenOf(a, keyA, 'api://b'))).toMatchObject({ status: 401 });
  expect(logs.decisions().at(-1)).toMatchObject({ reason: 'wrong_audience' });
});

it('refuses a token from a third issuer, without fetching anything for it', async () => {
  const handler = start();
  const before = c.requests;
  expect(await answer(handler, await tokenOf(c, keyC, 'api://a'))).toMatchObject({ status: 401 });
  expect(logs.decisions().at(-1)).toMatchObject({ reason: 'wrong_issuer' });
  expect(c.requests).toBe(before);
});

it("refuses a token whose iss names one issuer and whose signature is the other's key", async () => {
  const handler = start();
  // B's key, A's name (and B's kid, which A does not publish).
  expect(await answer(handler, await tokenOf(a, keyB, 'api://a'))).toMatchObject({ status: 401 });
  expect(logs.decisions().at(-1)).toMatchObject({ reason: 'unknown_key' });
  // The same kid as one of A's keys, signed with B's: the signature does not verify.
  const forged = await sign(oktaClaims(a.issuer, { aud: 'api://a' }), { ...keyB, kid: keyA.kid });
  expect(await answer(handler, bearer(forged))).toMatchObject({ status: 401 });
  expect(logs.decisions().at(-1)).toMatchObject({ reason: 'invalid_signature' });
});

it('a token verified once for one issuer is never taken for the other (the cache is keyed by the whole token)', async () => {
  const handler = start();
  const token = await tokenOf(a, keyA, 'api://a');
  expect(await answer(handler, token)).toEqual({ status: 200 });
  // The same claims under B's name: another token, verified afresh, and refused (wrong key).
  const renamed = await sign(oktaClaims(b.issuer, { aud: 'api://b' }), keyA);
  expect(await answer(handler, bearer(renamed))).toMatchObject({ status: 401 });
  expect(await answer(handler, token)).toEqual({ status: 200 });
});

it("a key one issuer removed stops verifying once that issuer's keys are 10 minutes old, whatever the other's age", async () => {
  const handler = start();
  const old = await tokenOf(a, keyA, 'api://a');
  expect(await answer(handler, old)).toEqual({ status: 200 });
  // Eleven minutes on: B's keys are refreshed by a token of B's (B fresh, A stale); A has
  // meanwhile replaced its key.
  const next = await rsaKey();
  a.keys.splice(0, a.keys.length, next.publicJwk);
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + 11 * 60_000);
  expect(await answer(handler, await tokenOf(b, keyB, 'api://b'))).toEqual({ status: 200 });
  // A fresh token with A's removed key: A's keys are refetched first, and it is refused.
  expect(await answer(handler, await tokenOf(a, keyA, 'api://a'))).toMatchObject({ status: 401 });
  expect(logs.decisions().at(-1)).toMatchObject({ reason: 'unknown_key' });
  a.keys.splice(0, a.keys.length, keyA.publicJwk);
});
