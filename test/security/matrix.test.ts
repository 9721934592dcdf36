import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import { satisfies } from '../../authorizer/access';
import { compileRouteTable } from '../../authorizer/route-table';
import { routes } from '../../routes';
import { answer, type AuthorizerHandler, coldStart } from '../fixtures/authorizer';
import { methodArn } from '../fixtures/iam';
import { type JwksServer, startJwksServer } from '../../testkit/jwks-server';
import { captureLogs, type CapturedLogs } from '../fixtures/logs';
import { ROOT } from '../fixtures/processes';
import { decodePayload } from '../../testkit/tokens';
import { MATRIX, type MatrixCase, type MatrixContext, matrixKeys } from './matrix';

// Every case of the bad-input matrix through the authorizer handler, as API Gateway calls it.
let ctx: MatrixContext;
let jwks: JwksServer;
let handler: AuthorizerHandler;
let logs: CapturedLogs;
const headersSent: string[] = [];

beforeAll(async () => {
  const keys = await matrixKeys();
  jwks = await startJwksServer([keys.trusted.publicJwk, keys.ec.publicJwk]);
  ctx = { ...keys, issuer: jwks.issuer };
  logs = captureLogs();
  handler = coldStart({
    OKTA_ISSUER: jwks.issuer,
    OKTA_AUDIENCE: 'api://default',
  });
});
afterAll(async () => {
  logs.restore();
  await jwks.close();
});

it('has at least 40 cases of bad input', () => {
  expect(MATRIX.filter((c) => c.status !== 200).length).toBeGreaterThanOrEqual(40);
  expect(new Set(MATRIX.map((c) => c.name)).size).toBe(MATRIX.length);
});

it.each(MATRIX.map((c) => [c.name, c] as [string, MatrixCase]))('%s', async (_name, c) => {
  const header = await c.header(ctx);
  if (header) headersSent.push(header);
  const before = logs.decisions().length;
  const { status, thrown } = await answer(handler, header);
  const decisions = logs.decisions().slice(before);

  expect(status).toBe(c.status);
  // 401 must be exactly this message: anything else becomes a 500 on AWS.
  if (c.status === 401) expect(thrown).toBe('Unauthorized');
  expect(decisions).toHaveLength(1);
  expect(decisions[0]).toMatchObject({
    reason: c.reason,
    route: 'GET /api/whoami',
    durationMs: expect.any(Number),
  });
});

/** The scopes a (valid) token of the matrix carries, as Okta's `scp` or a `scope` string. */
function scopesOf(header: string): string[] {
  const { scp, scope } = decodePayload(header.trim().split(/\s+/)[1] as string);
  return Array.isArray(scp) ? scp : typeof scope === 'string' ? scope.split(' ') : [];
}

const protectedRoutes = compileRouteTable(routes).protectedRoutes;

it.each(MATRIX.map((c) => [c.name, c] as [string, MatrixCase]))(
  '%s, on every protected route of routes.ts: never allowed without its scopes',
  async (_name, c) => {
    const header = await c.header(ctx);
    for (const route of protectedRoutes) {
      const { status } = await answer(
        handler,
        header,
        methodArn(route.method, route.key.split(' ')[1] as string),
      );
      const expected =
        c.status === 401
          ? 401
          : satisfies(route.requirement, scopesOf(header as string))
            ? 200
            : 403;
      expect({ route: route.key, status }).toEqual({ route: route.key, status: expected });
    }
  },
);

it('never logs a token, a signature, a client secret or a key', async () => {
  const text = logs.text();
  expect(headersSent.length).toBeGreaterThan(40);
  for (const header of headersSent) {
    const credential = header.trim().split(/\s+/).slice(1).join(' ') || header.trim();
    if (credential.length >= 16) expect(text).not.toContain(credential);
    for (const segment of credential.split(/[.\s,]/)) {
      if (segment.length >= 16) expect(text).not.toContain(segment);
    }
  }
  for (const secret of [
    's3cr3t-value',
    'Y2xpZW50OnMzY3IzdC12YWx1ZQ',
    '00Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv',
  ]) {
    expect(text).not.toContain(secret);
  }
  for (const key of [ctx.trusted, ctx.other, ctx.ec]) {
    const { d } = await exportJWK(key.privateKey);
    expect(text).not.toContain(d);
  }
  expect(text).not.toMatch(/PRIVATE KEY/);
});

it('is the table in SECURITY.md', () => {
  const readme = readFileSync(join(ROOT, 'SECURITY.md'), 'utf8');
  const rows = [...readme.matchAll(/^\| (.+?) +\| (\d{3}) +\| `(\w+)` +\|$/gm)].map(
    ([, name, status, reason]) => [name, Number(status), reason],
  );
  expect(rows).toEqual(MATRIX.map((c) => [c.name, c.status, c.reason]));
});
