import { readFileSync } from 'node:fs';
import yaml from 'js-yaml';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import { satisfies } from '../../route-table/access';
import { bearerRoutes } from '../../route-table/compile';
import { routes } from '../../routes';
import { answer, type AuthorizerHandler, coldStart } from '../../testkit/authorizer';
import { methodArn } from '../../testkit/iam';
import { type JwksServer, startJwksServer } from '../../testkit/jwks-server';
import { captureLogs, type CapturedLogs } from '../../testkit/logs';
import { ROOT } from '../../testkit/processes';
import { decodePayload, oktaClaims, sign } from '../../testkit/tokens';
import { MATRIX, type MatrixCase, type MatrixContext, matrixKeys } from './matrix';

// Every case of the bad-input matrix through the authorizer handler, as API Gateway calls it.
let ctx: MatrixContext;
let jwks: JwksServer;
let handler: AuthorizerHandler;
let logs: CapturedLogs;

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

// The TOKEN authorizer's routes (dpop 'off'); the DPoP routes' matrix is dpop-matrix.test.ts.
const protectedRoutes = bearerRoutes(routes).protectedRoutes;

it.each(MATRIX.map((c) => [c.name, c] as [string, MatrixCase]))(
  '%s, on every Bearer route of routes.ts: never allowed without its scopes',
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

describe("serverless.yml's metric filters, on the decision lines of this run", () => {
  type Filter = { name: string; pattern: string; dimension?: string; logGroup: string };
  const allFilters: Filter[] = Object.values(
    (
      yaml.load(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as {
        resources: { Resources: Record<string, { Type: string; Properties: Record<string, any> }> }; // eslint-disable-line @typescript-eslint/no-explicit-any
      }
    ).resources.Resources,
  )
    .filter((r) => r.Type === 'AWS::Logs::MetricFilter')
    .map((r) => ({
      name: r.Properties.MetricTransformations[0].MetricName as string,
      pattern: r.Properties.FilterPattern as string,
      dimension: r.Properties.MetricTransformations[0].Dimensions?.[0]?.Value as string | undefined,
      logGroup: r.Properties.LogGroupName.Ref as string,
    }));
  // The TOKEN authorizer's decision lines; the DPoP authorizer's group has the same filters.
  const filters = allFilters.filter((f) => f.logGroup === 'AuthorizerLogGroup');
  const strip = ({ logGroup: _group, ...filter }: Filter) => filter;

  it("counts the DPoP authorizer's decision lines with the same filters, into the same metrics", () => {
    expect(filters.length).toBe(6);
    expect(allFilters.filter((f) => f.logGroup === 'DpopAuthorizerLogGroup').map(strip)).toEqual(
      filters.map(strip),
    );
  });

  /** CloudWatch Logs' JSON filter syntax, the part these patterns use: `{ ($.a = "x") && ... }`. */
  function matches(pattern: string, line: Record<string, unknown>): boolean {
    const terms = /^\{ (.+) \}$/.exec(pattern)?.[1]?.split(' && ') ?? [];
    expect(terms.length).toBeGreaterThan(0);
    return terms.every((term) => {
      const [, field, value] = /^\(\$\.(\w+) = "([^"]*)"\)$/.exec(term) ?? [];
      if (field === undefined) throw new Error(`cannot evaluate ${term}`);
      return line[field] === value;
    });
  }

  const METRICS: Record<string, string[]> = {
    unauthorized: ['Unauthorized', 'UnauthorizedTotal'],
    deny: ['Denied', 'DeniedTotal'],
    error: ['AuthorizerErrors', 'AuthorizerErrorsTotal'],
    allow: [],
  };

  it('counts each decision in exactly the metrics of its outcome, its reason as the dimension', async () => {
    // A 500 too: a cold start whose issuer cannot be reached.
    const unreachable = 'http://127.0.0.1:1/oauth2/default';
    const down = coldStart({ OKTA_ISSUER: unreachable });
    expect(
      await answer(down, `Bearer ${await sign(oktaClaims(unreachable), ctx.trusted)}`),
    ).toMatchObject({
      status: 500,
    });
    const lines = logs.decisions();
    expect(new Set(lines.map((l) => l.outcome))).toEqual(
      new Set(['unauthorized', 'deny', 'allow', 'error']),
    );
    for (const line of lines) {
      const counted = filters.filter((f) => matches(f.pattern, line));
      expect({ line: line.reason, metrics: counted.map((f) => f.name) }).toEqual({
        line: line.reason,
        metrics: METRICS[line.outcome as string],
      });
      for (const filter of counted.filter((f) => f.dimension)) {
        expect(filter.dimension).toBe('$.reason');
        expect(typeof line.reason).toBe('string');
      }
    }
  });
});

it('never logs a token, a signature, a client secret or a key', async () => {
  // Sends every case itself and reads only what those requests logged: it holds when run alone.
  const before = logs.text().length;
  const headersSent: string[] = [];
  for (const c of MATRIX) {
    const header = await c.header(ctx);
    if (header) headersSent.push(header);
    await answer(handler, header);
  }
  const text = logs.text().slice(before);
  expect(headersSent.length).toBeGreaterThan(40);
  // Something was logged for each of them: an empty log would prove nothing.
  const decisions = text.split('\n').filter((line) => line.includes('"authorization decision"'));
  expect(decisions).toHaveLength(MATRIX.length);
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
