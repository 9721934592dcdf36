import { buildPolicy, stageWildcard } from '../../../authorizer/policy';

const claims = {
  sub: 'svc',
  cid: 'svc',
  scopes: ['AccessAll', 'ReadOnly'],
  issuer: 'https://x.okta.com/oauth2/default',
  exp: 1800000000,
};

describe('stageWildcard', () => {
  it.each([
    [
      'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/GET/api/whoami',
      'arn:aws:execute-api:us-east-1:123456789012:abc123/prod/*',
    ],
    [
      'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/dev/POST/a/b/c',
      'arn:aws-cn:execute-api:cn-north-1:123456789012:abc123/dev/*',
    ],
  ])('%s -> %s', (methodArn, expected) => {
    expect(stageWildcard(methodArn)).toBe(expected);
  });

  it.each([
    '',
    'nonsense',
    'arn:aws:execute-api:us-east-1:123456789012:abc123',
    'arn:aws:lambda:us-east-1:1:function/x/y',
  ])('refuses %p instead of guessing', (methodArn) => {
    expect(() => stageWildcard(methodArn)).toThrow(/Unexpected methodArn/);
  });
});

describe('buildPolicy', () => {
  it('carries the identity as primitive context values, scopes as one string', () => {
    const result = buildPolicy(
      'Allow',
      'arn:aws:execute-api:us-east-1:1:abc/dev/GET/api/whoami',
      claims,
    );
    expect(result).toEqual({
      principalId: 'svc',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Action: 'execute-api:Invoke',
            Effect: 'Allow',
            Resource: 'arn:aws:execute-api:us-east-1:1:abc/dev/*',
          },
        ],
      },
      context: {
        sub: 'svc',
        cid: 'svc',
        scope: 'AccessAll ReadOnly',
        issuer: claims.issuer,
        exp: 1800000000,
      },
    });
  });

  it('leaves out absent optional claims rather than sending undefined', () => {
    const { context } = buildPolicy('Deny', 'arn:aws:execute-api:us-east-1:1:abc/dev/GET/x', {
      ...claims,
      cid: undefined,
    });
    expect(context).not.toHaveProperty('cid');
    expect(context).not.toHaveProperty('uid');
  });
});
