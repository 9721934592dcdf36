/**
 * The local issuer's HTTP routing: Okta's paths under /oauth2/default, each to oidc-provider, the
 * sign-in page, userinfo or discovery, with CORS for its trusted origins (the demo app's).
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { DevUsers } from './dev-users';
import { acceptClientSecretPost, oktaDiscovery } from './okta-answers';
import { signIn } from './sign-in';
import { userinfo } from './userinfo';

export const LOCAL_AUTH_SERVER_PATH = '/oauth2/default';

export interface IssuerRoutes {
  issuer: string;
  scopes: string[];
  users: DevUsers;
  /** The signing key's public part, for userinfo's token checks. */
  publicKey: JsonWebKey;
  spaRedirectUris: string[];
}

export function routeIssuerRequests(
  server: Server,
  provider: Provider,
  { issuer, scopes, users, publicKey, spaRedirectUris }: IssuerRoutes,
): void {
  const callback = provider.callback();
  const answerUserinfo = userinfo(issuer, [publicKey as never], users);
  const discovery = (kind: 'oauth' | 'openid') =>
    JSON.stringify(oktaDiscovery({ issuer, scopes, kind }));
  // Okta answers CORS for its Trusted Origins: here, the demo app's.
  const trustedOrigins = new Set(spaRedirectUris.map((uri) => new URL(uri).origin));
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = req.url?.split('?')[0];
    const origin = req.headers.origin;
    if (origin && trustedOrigins.has(origin)) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      // okta-auth-js reads the nonce Okta asks DPoP proofs to carry.
      res.setHeader('access-control-expose-headers', 'DPoP-Nonce, WWW-Authenticate');
      res.setHeader('vary', 'Origin');
      if (req.method === 'OPTIONS') {
        res
          .writeHead(204, {
            'access-control-allow-methods': 'GET, POST, OPTIONS',
            'access-control-allow-headers': req.headers['access-control-request-headers'] ?? '',
            'access-control-max-age': '600',
          })
          .end();
        return;
      }
    }
    // Okta serves its metadata under both names, each in its own shape.
    if (path === `${LOCAL_AUTH_SERVER_PATH}/.well-known/oauth-authorization-server`) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(discovery('oauth'));
      return;
    }
    if (path === `${LOCAL_AUTH_SERVER_PATH}/.well-known/openid-configuration`) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(discovery('openid'));
      return;
    }
    if (
      path === `${LOCAL_AUTH_SERVER_PATH}/v1/token` ||
      path === `${LOCAL_AUTH_SERVER_PATH}/v1/revoke`
    ) {
      void acceptClientSecretPost(req).then((refused) => {
        if (refused) {
          const { status, ...body } = refused;
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
          return;
        }
        mount(req);
        void callback(req, res);
      });
      return;
    }
    if (path === `${LOCAL_AUTH_SERVER_PATH}/v1/userinfo`) {
      void answerUserinfo(req, res);
      return;
    }
    if (path?.startsWith(`${LOCAL_AUTH_SERVER_PATH}/signin/`)) {
      mount(req);
      signIn(provider, users, req, res).catch(() => {
        if (!res.headersSent)
          res.writeHead(400).end('This sign-in has expired: start again from the app.');
      });
      return;
    }
    if (
      path === `${LOCAL_AUTH_SERVER_PATH}/v1/keys` ||
      path?.startsWith(`${LOCAL_AUTH_SERVER_PATH}/v1/authorize`) ||
      path?.startsWith(`${LOCAL_AUTH_SERVER_PATH}/v1/logout`)
    ) {
      mount(req);
      void callback(req, res);
      return;
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ errorCode: 'E0000022', errorSummary: 'The endpoint does not exist.' }),
    );
  });
}

/** Mounted under the issuer's path, as express's app.use(path, ...) would mount it. */
function mount(req: IncomingMessage): void {
  const url = req.url as string;
  Object.assign(req, { originalUrl: url, url: url.slice(LOCAL_AUTH_SERVER_PATH.length) });
}
