import { boundContext, boundKey } from '../../../authorizer/token-binding';

// The DPoP authorizer's context (token-binding.ts): the token's, and the key it is bound to.
const claims = {
  sub: 'svc',
  cid: 'svc',
  scopes: ['AccessAll'],
  issuer: 'https://x.okta.com/oauth2/default',
  exp: 1800000000,
};

it('adds the thumbprint of a bound token to the context the handlers receive', () => {
  expect(boundContext({ ...claims, cnf: { jkt: 'thumbprint' } })).toEqual({
    sub: 'svc',
    cid: 'svc',
    scope: 'AccessAll',
    issuer: claims.issuer,
    exp: '1800000000',
    jkt: 'thumbprint',
  });
});

it.each([undefined, null, 'jkt', { jkt: 5 }, { 'x5t#S256': 'x' }])(
  'leaves it out when cnf (%p) holds no thumbprint, rather than sending undefined',
  (cnf) => {
    expect(boundKey(cnf)).toBeUndefined();
    expect(boundContext({ ...claims, cnf })).not.toHaveProperty('jkt');
  },
);
