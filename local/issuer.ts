/**
 * A local stand-in for an Okta custom authorization server, for development and tests only.
 * It speaks Okta's paths and mints access tokens shaped like Okta's (RS256, kid, ver, cid, scp).
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import { compileRouteTable } from '../route-table/compile';
import { compileCallers } from '../route-table/callers';
import { callers as declaredCallers, routes } from '../routes';
import { type DevUsers, devUsers, grantedScopes } from './dev-users';
import {
  acceptClientSecretPost,
  oktaAuthorizationError,
  oktaDiscovery,
  oktaErrorPage,
  oktaTokenError,
} from './okta-answers';
import { signIn } from './sign-in';
import { userinfo } from './userinfo';

const LOCAL_AUTH_SERVER_PATH = '/oauth2/default';
const LOCAL_AUDIENCE = 'api://default';
/** The guide's scope, and its read-only companion. */
const GUIDE_SCOPES = ['AccessAll', 'ReadOnly'];
/** Tokens for another API on the same server (`resource=api://another-api`): a wrong-audience 401 to try. */
const OTHER_AUDIENCE = 'api://another-api';
const TOKEN_TTL_SECONDS = 3600;

export interface LocalIssuerOptions {
  port?: number;
  host?: string;
  audience?: string;
  clientId?: string;
  clientSecret?: string;
  /** Where the public SPA client may be sent back to after sign-in (Okta: its sign-in redirect URIs). */
  spaRedirectUris?: string[];
  /** The dev users' password; generated when unset. */
  userPassword?: string;
}

/** The redirect URI `npm run token -- --user` uses: it reads the code from it, nothing listens there. */
export const TOKEN_COMMAND_REDIRECT_URI = 'http://127.0.0.1/token-command/callback';

/** The guide's scopes and every scope routes.ts names: a new route's scope works locally at once. */
export function localScopes(): string[] {
  return [...new Set([...GUIDE_SCOPES, ...compileRouteTable(routes).scopes])];
}

export interface LocalIssuer {
  issuer: string;
  audience: string;
  scopes: string[];
  /** client_secret_basic; binds its tokens when a token request carries a DPoP proof. */
  client: { id: string; secret: string };
  /** client_secret_basic, DPoP required: a token request without a proof is refused, as Okta does. */
  dpopClient: { id: string; secret: string };
  /** private_key_jwt: the private key is generated here and handed to the token command. */
  jwtClient: { id: string; privateJwk: JsonWebKey & { kid: string } };
  /** A public SPA client: authorization code + PKCE, as an Okta single-page app integration. */
  spaClient: { id: string; redirectUris: string[] };
  /**
   * routes.ts `callers.clients`, with exactly their declared scopes (invalid_scope for others)
   * and DPoP where declared, as `npm run okta -- apply` sets them up in Okta. Locally they
   * authenticate with the dev client's secret (client_secret_basic); in Okta, private_key_jwt.
   */
  declaredClients: { id: string; secret: string; scopes: string[]; dpop: boolean }[];
  users: DevUsers;
  close(): Promise<void>;
}

/** LOCAL_CLIENT_ID, LOCAL_CLIENT_SECRET and OKTA_AUDIENCE, as `npm start` and `npm run issuer` read them. */
export function issuerOptionsFromEnv(env: NodeJS.ProcessEnv, port: number): LocalIssuerOptions {
  return {
    port,
    clientId: env.LOCAL_CLIENT_ID,
    clientSecret: env.LOCAL_CLIENT_SECRET,
    audience: env.OKTA_AUDIENCE,
    userPassword: env.LOCAL_USER_PASSWORD,
  };
}

export async function startLocalIssuer(options: LocalIssuerOptions = {}): Promise<LocalIssuer> {
  const host = options.host ?? '127.0.0.1';
  const audience = options.audience ?? LOCAL_AUDIENCE;
  const clientId = options.clientId || 'local-dev-client';
  const clientSecret = options.clientSecret || randomBytes(24).toString('base64url');
  const jwtClientId = `${clientId}-jwt`;
  // Like an Okta API Services app with "Require DPoP header in token requests" ticked.
  const dpopClientId = `${clientId}-dpop`;
  const clientKey = generateRsaJwk();
  const scopes = localScopes();
  const callers = compileCallers(declaredCallers, routes);
  const users = devUsers(scopes, options.userPassword, callers.browserApp?.people);
  const declaredClients = callers.clients.map((c) => ({
    id: c.name,
    secret: clientSecret,
    scopes: c.scopes,
    dpop: c.dpop,
  }));
  const clientScopes = new Map(declaredClients.map((c) => [c.id, c.scopes]));
  // Signing keys live only in this process's memory: a restart rotates them.
  const signingKey = generateRsaJwk();
  const spaClient = {
    id: 'local-spa-client',
    redirectUris: [...(options.spaRedirectUris ?? []), TOKEN_COMMAND_REDIRECT_URI],
  };

  // Loaded only when an issuer starts: `npm start` checks the configuration first, and its
  // refusals are the only thing it prints.
  const oidc = await import('oidc-provider');
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });

  const { port } = server.address() as AddressInfo;
  const issuer = `http://${host}:${port}${LOCAL_AUTH_SERVER_PATH}`;
  const clients: ClientMetadata[] = [
    {
      client_id: clientId,
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
    },
    {
      client_id: jwtClientId,
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'RS256',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      jwks: { keys: [publicPart(clientKey)] },
    },
    {
      client_id: dpopClientId,
      client_secret: clientSecret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      dpop_bound_access_tokens: true,
    },
    ...declaredClients.map((c): ClientMetadata => ({
      client_id: c.id,
      client_secret: c.secret,
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      ...(c.dpop && { dpop_bound_access_tokens: true }),
    })),
    {
      client_id: spaClient.id,
      token_endpoint_auth_method: 'none',
      application_type: 'web',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: spaClient.redirectUris,
      post_logout_redirect_uris: spaClient.redirectUris.map((uri) => new URL(uri).origin),
    },
  ];
  const provider = withoutAdapterWarning(
    () =>
      new oidc.default(
        issuer,
        configuration(oidc.errors, { audience, clients, clientScopes, scopes, users, signingKey }),
      ),
  );
  // oidc-provider words every invalid_grant alike; the detail says which Okta answer it is.
  provider.on('grant.error', (ctx, error) => {
    const { error_detail: detail, cause } = error as { error_detail?: string; cause?: Error };
    ctx.state.errorDetail = detail ?? cause?.message;
  });
  provider.use(async (ctx, next) => {
    await next();
    const oidcCtx = ctx as KoaContextWithOIDC;
    if (oidcCtx.oidc?.route === 'token' && ctx.status >= 400) oktaTokenError(oidcCtx);
    // Okta answers 200 to revoking a JWT access token (it only stops introspection saying active).
    const body = ctx.body as { error?: string } | undefined;
    if (oidcCtx.oidc?.route === 'revocation' && body?.error === 'unsupported_token_type') {
      ctx.status = 200;
      ctx.body = '';
      ctx.type = 'text/plain';
    }
    // Errors sent back to the app's redirect URI, in Okta's words.
    const location = String(ctx.response.get('location') ?? '');
    if (oidcCtx.oidc?.route === 'authorization' && location.includes('error=')) {
      const url = new URL(location);
      const [error, description] = oktaAuthorizationError(
        url.searchParams.get('error') ?? '',
        url.searchParams.get('error_description') ?? '',
      );
      url.searchParams.set('error', error);
      url.searchParams.set('error_description', description);
      ctx.redirect(url.href);
    }
  });
  const callback = provider.callback();
  const answerUserinfo = userinfo(issuer, [publicPart(signingKey)], users);
  const discovery = (kind: 'oauth' | 'openid') =>
    JSON.stringify(oktaDiscovery({ issuer, scopes, kind }));
  // Okta answers CORS for its Trusted Origins: here, the demo app's.
  const trustedOrigins = new Set(spaClient.redirectUris.map((uri) => new URL(uri).origin));
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

  return {
    issuer,
    audience,
    scopes,
    client: { id: clientId, secret: clientSecret },
    dpopClient: { id: dpopClientId, secret: clientSecret },
    jwtClient: { id: jwtClientId, privateJwk: clientKey },
    spaClient,
    declaredClients,
    users,
    close: () => closeServer(server),
  };
}

type OidcErrors = typeof import('oidc-provider').errors;

/** Mounted under the issuer's path, as express's app.use(path, ...) would mount it. */
function mount(req: IncomingMessage): void {
  const url = req.url as string;
  Object.assign(req, { originalUrl: url, url: url.slice(LOCAL_AUTH_SERVER_PATH.length) });
}

interface IssuerSetup {
  audience: string;
  clients: ClientMetadata[];
  /** The declared clients' scopes (routes.ts callers); other clients may ask for any. */
  clientScopes: Map<string, string[]>;
  scopes: string[];
  users: DevUsers;
  signingKey: JsonWebKey & { kid: string };
}

function configuration(
  errors: OidcErrors,
  { audience, clients, clientScopes, scopes, users, signingKey }: IssuerSetup,
): Configuration {
  const resourceServer = (aud: string) => ({
    scope: scopes.join(' '),
    audience: aud,
    accessTokenTTL: TOKEN_TTL_SECONDS,
    accessTokenFormat: 'jwt' as const,
    jwt: { sign: { alg: 'RS256' as const } },
  });
  return {
    clients,
    // client_secret_post arrives as client_secret_basic (okta-answers.ts).
    clientAuthMethods: ['client_secret_basic', 'private_key_jwt', 'none'],
    jwks: { keys: [signingKey] as never[] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    // The API's scopes belong to the resource server (getResourceServerInfo), not to OpenID Connect.
    scopes: ['openid', 'profile', 'email', 'offline_access'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'preferred_username'],
      email: ['email', 'email_verified'],
    },
    async findAccount(_ctx, login) {
      const user = users.find(login);
      if (!user) return undefined;
      return {
        accountId: user.login,
        claims: () => ({
          sub: user.login,
          name: user.name,
          preferred_username: user.login,
          email: user.login,
          email_verified: true,
        }),
      };
    },
    // Errors that cannot go back to the app (a redirect_uri it does not have): Okta's error page.
    async renderError(ctx, out) {
      const [error, description] = oktaAuthorizationError(out.error, out.error_description ?? '');
      ctx.type = 'html';
      ctx.body = oktaErrorPage(error, description);
    },
    interactions: {
      url: (_ctx, interaction) => `${LOCAL_AUTH_SERVER_PATH}/signin/${interaction.uid}`,
    },
    // A first-party app, as Okta's: no consent page. The user gets the OIDC scopes asked for and
    // the API scopes the access policy allows them.
    async loadExistingGrant(ctx) {
      const accountId = ctx.oidc.session?.accountId;
      const user = accountId ? users.find(accountId) : undefined;
      if (!user || !ctx.oidc.client) return undefined;
      const requested = String(ctx.oidc.params?.scope ?? '')
        .split(' ')
        .filter(Boolean);
      const { oidc, api } = grantedScopes(user, requested);
      const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId });
      grant.addOIDCScope(oidc.join(' '));
      if (api.length > 0) grant.addResourceScope(audience, api.join(' '));
      await grant.save();
      return grant;
    },
    // DPoP proofs as okta-auth-js (RS256) and most other clients (ES256) sign them.
    enabledJWA: { dPoPSigningAlgValues: ['ES256', 'RS256'] },
    features: {
      devInteractions: { enabled: false },
      // As Okta: a token request with a DPoP proof gets a bound token (cnf.jkt); the first one,
      // without a nonce, gets 400 use_dpop_nonce and a DPoP-Nonce header (okta-answers.ts words it).
      dPoP: {
        enabled: true,
        nonceSecret: randomBytes(32),
        requireNonce: () => true,
      },
      // The SDKs revoke tokens on sign-out. As at Okta, a revoked JWT access token still verifies
      // locally until it expires: it is introspection that would say otherwise.
      revocation: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        // Okta signs out and redirects at once: no confirmation page.
        logoutSource: async (ctx, form) => {
          ctx.body = `<!doctype html><html><body>${form}<script>document.forms[0].submit()</script></body></html>`;
        },
      },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (ctx, resource) => {
          if (ctx.oidc.params?.grant_type === 'client_credentials') {
            checkRequestedScopes(errors, ctx, scopes);
            checkGrantedScopes(errors, ctx, clientScopes);
          }
          // A signed-in user is offered the scopes their access policy allows; others are dropped.
          const accountId = ctx.oidc.session?.accountId;
          const user = accountId ? users.find(accountId) : undefined;
          if (user) return { ...resourceServer(resource), scope: user.scopes.join(' ') };
          if (resource !== audience && resource !== OTHER_AUDIENCE)
            throw new errors.InvalidTarget();
          return resourceServer(resource);
        },
      },
    },
    routes: {
      authorization: '/v1/authorize',
      token: '/v1/token',
      jwks: '/v1/keys',
      userinfo: '/v1/userinfo',
      end_session: '/v1/logout',
      revocation: '/v1/revoke',
    },
    ttl: {
      ClientCredentials: TOKEN_TTL_SECONDS,
      AccessToken: TOKEN_TTL_SECONDS,
      IdToken: TOKEN_TTL_SECONDS,
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 7200,
      Grant: 7200,
      RefreshToken: 7 * 24 * 3600,
    },
    formats: {
      customizers: {
        // Okta's access tokens: `scp` array instead of a `scope` string, `cid`, `ver`, `AT.` ids, no `typ` header.
        jwt(ctx, token, jwt) {
          const { scope, client_id: cid, jti, ...claims } = jwt.payload as Record<string, unknown>;
          // A user's token lists every granted scope, openid and friends too, as Okta's does.
          const entities = ctx.oidc.entities;
          const granted =
            entities.AuthorizationCode?.scope ?? entities.RefreshToken?.scope ?? scope;
          const accountId = 'accountId' in token ? token.accountId : undefined;
          const user = accountId ? users.find(accountId) : undefined;
          jwt.header = { typ: undefined };
          jwt.payload = {
            ver: 1,
            // Okta's access token ids start with "AT."
            jti: `AT.${String(jti)}`,
            ...claims,
            cid: cid ?? token.clientId,
            ...(user && { uid: user.id }),
            scp: typeof granted === 'string' ? granted.split(' ').filter(Boolean) : [],
          };
        },
      },
    },
  };
}

/** Okta's answers to a token request whose `scope` is missing or unknown (oidc-provider drops them silently). */
function checkRequestedScopes(errors: OidcErrors, ctx: KoaContextWithOIDC, known: string[]): void {
  if (ctx.oidc.route !== 'token') return;
  const scope = String(ctx.oidc.params?.scope ?? '');
  const requested = scope.split(' ').filter(Boolean);
  if (requested.length === 0) {
    throw new errors.InvalidScope(
      "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
      scope,
    );
  }
  if (requested.some((scope) => !known.includes(scope))) {
    throw new errors.InvalidScope(
      'One or more scopes are not configured for the authorization server resource.',
      scope,
    );
  }
}

/** A declared client asking for a scope its access policy does not grant: Okta's invalid_scope. */
function checkGrantedScopes(
  errors: OidcErrors,
  ctx: KoaContextWithOIDC,
  clientScopes: Map<string, string[]>,
): void {
  const allowed = clientScopes.get(ctx.oidc.client?.clientId ?? '');
  if (!allowed || ctx.oidc.route !== 'token') return;
  const scope = String(ctx.oidc.params?.scope ?? '');
  if (scope.split(' ').some((s) => s && !allowed.includes(s))) {
    throw new errors.InvalidScope(
      'The following scopes were requested, but not granted by any policy rule of the authorization server.',
      scope,
    );
  }
}

/** The in-memory adapter is exactly right for a throwaway dev issuer; its production warning is noise here. */
function withoutAdapterWarning<T>(create: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('in-memory adapter')) warn(...args);
  };
  try {
    return create();
  } finally {
    console.warn = warn;
  }
}

function generateRsaJwk(): JsonWebKey & { kid: string } {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

function publicPart({ kty, n, e, kid, alg, use }: JsonWebKey & { kid: string }) {
  return { kty, n, e, kid, alg, use };
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
