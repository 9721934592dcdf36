import { buildPolicy, createPolicies, parseMethodArn, toContext } from '../../../authorizer/policy';
import { bearerRoutes, compileRouteTable } from '../../../route-table/compile';
import { routes } from '../../../routes';
import { allows, STAGE_PREFIX } from '../../../testkit/iam';

const claims = {
  sub: 'svc',
  cid: 'svc',
  scopes: ['AccessAll', 'ReadOnly'],
  issuer: 'https://x.okta.com/oauth2/default',
  exp: 1800000000,
};
// The TOKEN authorizer's table: the shipped routes that take Bearer tokens (dpop 'off').
const shipped = bearerRoutes(routes);
const arn = (path: string) => `${STAGE_PREFIX}/GET${path}`;

describe('parseMethodArn', () => {
  it.each([
    [
      'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/api/whoami',
      'arn:aws:execute-api:us-east-1:123456789012:abc123/prod',
      'GET',
      '/api/whoami',
    ],
    [
      'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/dev/POST/a/b/c',
      'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/dev',
      'POST',
      '/a/b/c',
    ],
    [
      'arn:aws:execute-api:us-east-1:1:abc/dev/GET/',
      'arn:aws:execute-api:us-east-1:1:abc/dev',
      'GET',
      '/',
    ],
  ])('%s', (methodArn, prefix, method, path) => {
    expect(parseMethodArn(methodArn)).toEqual({ prefix, method, path });
  });

  it.each([
    '',
    'nonsense',
    'arn:aws:execute-api:us-east-1:123456789012:abc123',
    'arn:aws:execute-api:us-east-1:123456789012:abc123/dev',
    'arn:aws:lambda:us-east-1:1:function/x/y',
    'xarn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/api/whoami',
    'arn:aws:execute-api:us-east-1:123456789012:abc123/dev/GET/api/whoami\nGET/api/x',
  ])('refuses %p instead of guessing', (value) => {
    expect(() => parseMethodArn(value)).toThrow(/Unexpected methodArn/);
  });
});

describe('the policy for each scope set of the shipped table', () => {
  it.each([
    [
      'AccessAll',
      ['AccessAll'],
      [{ Effect: 'Allow', Resource: [arn('/api/whoami'), arn('/api/messages')] }],
    ],
    ['ReadOnly', ['ReadOnly'], [{ Effect: 'Allow', Resource: [arn('/api/messages')] }]],
    [
      'both',
      ['ReadOnly', 'AccessAll'],
      [{ Effect: 'Allow', Resource: [arn('/api/whoami'), arn('/api/messages')] }],
    ],
    ['none', [], [{ Effect: 'Deny', Resource: [`${STAGE_PREFIX}/*`] }]],
    [
      'only scopes the table does not name',
      ['openid', 'email'],
      [{ Effect: 'Deny', Resource: [`${STAGE_PREFIX}/*`] }],
    ],
  ])('%s', (_name, scopes, statements) => {
    const policyDocument = buildPolicy(shipped.protectedRoutes, STAGE_PREFIX, scopes);
    expect(policyDocument).toEqual({
      Version: '2012-10-17',
      Statement: statements.map((s) => ({ Action: 'execute-api:Invoke', ...s })),
    });
  });

  it('never names hello (anonymous: no authorizer), another method, stage or API', async () => {
    const policyDocument = buildPolicy(shipped.protectedRoutes, STAGE_PREFIX, ['AccessAll']);
    for (const resource of [
      arn('/api/hello'),
      `${STAGE_PREFIX}/POST/api/whoami`,
      `${STAGE_PREFIX}/DELETE/api/messages`,
      arn('/api/whoami/x'),
      arn('/api/messagesx'),
      'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod/GET/api/whoami',
      'arn:aws:execute-api:us-east-1:123456789012:other99/dev/GET/api/whoami',
    ]) {
      expect(await allows(policyDocument, resource)).toBe(false);
    }
    expect(await allows(policyDocument, arn('/api/whoami'))).toBe(true);
  });
});

describe('path parameters and overlapping routes', () => {
  const table = compileRouteTable({
    'GET /api/messages/{id}': { anyOf: ['ReadOnly', 'AccessAll'] },
    'GET /api/messages/{id}/admin': { allOf: ['Admin'] },
    'GET /api/messages/latest': 'authenticated',
    'ANY /api/files/{path+}': { allOf: ['Files'] },
  });
  const policyFor = (scopes: string[]) => buildPolicy(table.protectedRoutes, STAGE_PREFIX, scopes);

  it('allows {id} with a `*` and explicitly denies the admin route that `*` would also cover', async () => {
    const policy = policyFor(['ReadOnly']);
    expect(policy.Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [arn('/api/messages/*'), arn('/api/messages/latest')],
      },
      { Action: 'execute-api:Invoke', Effect: 'Deny', Resource: [arn('/api/messages/*/admin')] },
    ]);
    expect(await allows(policy, arn('/api/messages/42'))).toBe(true);
    expect(await allows(policy, arn('/api/messages/42/admin'))).toBe(false);
    expect(await allows(policy, arn('/api/messages/latest'))).toBe(true);
  });

  it('an authenticated literal beside a scoped {id}: the literal alone, nothing wider', async () => {
    const policy = policyFor([]);
    expect(await allows(policy, arn('/api/messages/latest'))).toBe(true);
    expect(await allows(policy, arn('/api/messages/42'))).toBe(false);
  });

  it('spells ANY out per method, so no `*` spans from the method into the path', () => {
    const policy = policyFor(['Files']);
    const resources = policy.Statement.flatMap(
      (s: unknown) => (s as { Resource: string[] }).Resource,
    );
    expect(resources).toEqual(
      expect.arrayContaining(
        ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT'].map(
          (method) => `${STAGE_PREFIX}/${method}/api/files/*`,
        ),
      ),
    );
    expect(resources.some((r: string) => r.includes('/*/api'))).toBe(false);
  });
});

describe('createPolicies', () => {
  it('computes the policy once per scope list and stage, then reuses it', () => {
    const policies = createPolicies(shipped);
    const first = policies.policyFor(STAGE_PREFIX, ['ReadOnly', 'openid']);
    expect(policies.policyFor(STAGE_PREFIX, ['ReadOnly', 'openid'])).toBe(first);
    // Another list with the same meaning: computed again, to the same policy.
    expect(policies.policyFor(STAGE_PREFIX, ['openid', 'ReadOnly'])).toEqual(first);
    expect(policies.policyFor(STAGE_PREFIX, ['ReadOnly', 'email'])).toEqual(first);
    expect(policies.policyFor(STAGE_PREFIX, ['AccessAll'])).not.toEqual(first);
    const prod = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod';
    expect(JSON.stringify(policies.policyFor(prod, ['ReadOnly']))).toContain(
      '/prod/GET/api/messages',
    );
  });

  it('answers a repeated token with the same result, and each stage with its own', () => {
    const policies = createPolicies(shipped);
    const first = policies.forToken(claims, STAGE_PREFIX);
    expect(policies.forToken(claims, STAGE_PREFIX)).toBe(first);
    const prod = 'arn:aws:execute-api:us-east-1:123456789012:abcdef1234/prod';
    expect(policies.forToken(claims, prod).policyDocument).not.toEqual(first.policyDocument);
    expect(first).toMatchObject({ principalId: 'svc', context: { sub: 'svc' } });
  });

  it("gives the handlers the context its authorizer builds (the DPoP one's adds jkt)", () => {
    const bound = () => ({ ...claims, cnf: { jkt: 'thumbprint' } });
    expect(createPolicies(shipped).forToken(bound(), STAGE_PREFIX).context).not.toHaveProperty(
      'jkt',
    );
    const policies = createPolicies(shipped, undefined, (c) => ({ ...toContext(c), jkt: 'k' }));
    expect(policies.forToken(bound(), STAGE_PREFIX).context).toMatchObject({
      sub: 'svc',
      jkt: 'k',
    });
  });
});

describe('toContext', () => {
  it('carries the identity as strings, scopes as one string', () => {
    expect(toContext(claims)).toEqual({
      sub: 'svc',
      cid: 'svc',
      scope: 'AccessAll ReadOnly',
      issuer: claims.issuer,
      exp: '1800000000',
    });
  });

  it('leaves out absent optional claims rather than sending undefined', () => {
    const context = toContext({ ...claims, cid: undefined });
    expect(context).not.toHaveProperty('cid');
    expect(context).not.toHaveProperty('uid');
  });
});

describe("the DPoP authorizer's table (every protected route)", () => {
  it('allows the DPoP-only write route to AccessAll, and not to ReadOnly', () => {
    const full = compileRouteTable(routes).protectedRoutes;
    expect(buildPolicy(full, STAGE_PREFIX, ['AccessAll']).Statement).toEqual([
      {
        Action: 'execute-api:Invoke',
        Effect: 'Allow',
        Resource: [arn('/api/whoami'), arn('/api/messages'), `${STAGE_PREFIX}/POST/api/messages`],
      },
    ]);
    expect(buildPolicy(full, STAGE_PREFIX, ['ReadOnly']).Statement).toEqual([
      { Action: 'execute-api:Invoke', Effect: 'Allow', Resource: [arn('/api/messages')] },
    ]);
  });
});
