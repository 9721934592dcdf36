/**
 * Okta's /v1/userinfo for the custom authorization server: it takes the access token the app got
 * for the API (oidc-provider's own endpoint only takes tokens issued for itself) and returns the
 * claims its scopes cover.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createLocalJWKSet, type JWK, jwtVerify } from 'jose';
import type { DevUsers } from './dev-users';

export function userinfo(issuer: string, keys: JWK[], users: DevUsers) {
  const jwks = createLocalJWKSet({ keys });
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refuse = (status: number, error: string, description: string) => {
      res
        .writeHead(status, {
          'content-type': 'application/json',
          'www-authenticate': `Bearer error="${error}", error_description="${description}"`,
        })
        .end(JSON.stringify({ error, error_description: description }));
    };
    const token = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return refuse(401, 'invalid_request', 'The access token is missing.');
    let claims: { sub?: string; scp?: unknown };
    try {
      ({ payload: claims } = await jwtVerify(token, jwks, { issuer, algorithms: ['RS256'] }));
    } catch {
      return refuse(401, 'invalid_token', 'The access token is invalid.');
    }
    const scopes = Array.isArray(claims.scp) ? (claims.scp as string[]) : [];
    const user = claims.sub ? users.find(claims.sub) : undefined;
    if (!scopes.includes('openid') || !user) {
      return refuse(
        403,
        'insufficient_scope',
        'The access token must provide access to at least one of these scopes - profile, email, address or phone',
      );
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(
      JSON.stringify({
        sub: user.login,
        ...(scopes.includes('profile') && { name: user.name, preferred_username: user.login }),
        ...(scopes.includes('email') && { email: user.login, email_verified: true }),
      }),
    );
  };
}
