import { createPublicKey, verify as verifySignature } from 'node:crypto';
import OktaJwtVerifier from '@okta/jwt-verifier';
import { JwtVerifier } from 'aws-jwt-verify';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { createLocalJWKSet, type JWK, jwtVerify } from 'jose';
import jsonwebtoken from 'jsonwebtoken';

/** The checks every contender makes: RS256 signature, exp/nbf, issuer, audience, scp includes the scope. */
export interface Checks {
  issuer: string;
  audience: string;
  scope: string;
  jwk: JWK;
}

function requireScope(payload: object, scope: string): void {
  const { scp } = payload as { scp?: unknown };
  if (!Array.isArray(scp) || !scp.includes(scope)) throw new Error('insufficient scope');
}

/** Node's crypto.verify of one RS256 signature with a prepared key: no parsing, no claims. */
export function floor(token: string, jwk: JWK): () => boolean {
  const [header, payload, signature] = token.split('.') as [string, string, string];
  const key = createPublicKey({ key: jwk as never, format: 'jwk' });
  const data = Buffer.from(`${header}.${payload}`);
  const sig = Buffer.from(signature, 'base64url');
  return () => {
    if (!verifySignature('RSA-SHA256', data, key, sig)) throw new Error('bad signature');
    return true;
  };
}

export function awsJwtVerifySync(checks: Checks): (token: string) => JwtPayload {
  const verifier = JwtVerifier.create({
    issuer: checks.issuer,
    audience: checks.audience,
    jwksUri: `${checks.issuer}/v1/keys`,
    customJwtCheck: ({ payload }) => requireScope(payload, checks.scope),
  });
  verifier.cacheJwks({ keys: [checks.jwk as never] });
  return (token) => verifier.verifySync(token);
}

export function joseJwtVerify(checks: Checks): (token: string) => Promise<unknown> {
  const jwks = createLocalJWKSet({ keys: [checks.jwk] });
  return async (token) => {
    const { payload } = await jwtVerify(token, jwks, {
      issuer: checks.issuer,
      audience: checks.audience,
      algorithms: ['RS256'],
    });
    requireScope(payload, checks.scope);
    return payload;
  };
}

export function jsonwebtokenVerify(checks: Checks): (token: string) => unknown {
  const key = createPublicKey({ key: checks.jwk as never, format: 'jwk' });
  return (token) => {
    const payload = jsonwebtoken.verify(token, key, {
      issuer: checks.issuer,
      audience: checks.audience,
      algorithms: ['RS256'],
    }) as object;
    requireScope(payload, checks.scope);
    return payload;
  };
}

/** Okta's own verifier; it fetches `${issuer}/v1/keys`, so the issuer must serve them (loopback http). */
export function oktaJwtVerifier(checks: Checks): (token: string) => Promise<unknown> {
  const verifier = new OktaJwtVerifier({
    issuer: checks.issuer,
    assertClaims: { 'scp.includes': [checks.scope] },
    testing: { disableHttpsCheck: true },
  });
  return (token) => verifier.verifyAccessToken(token, checks.audience);
}
