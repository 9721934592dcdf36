/**
 * oidc-provider configured as an Okta custom authorization server: Okta's token shape (RS256, kid,
 * ver, cid, scp), its scopes and audiences, and Okta's words for its errors.
 */
import { randomBytes } from 'node:crypto';
import type { ClientMetadata, Configuration, KoaContextWithOIDC } from 'oidc-provider';
import type Provider from 'oidc-provider';
import { type DevUsers, grantedScopes } from './dev-users';
import { LOCAL_AUTH_SERVER_PATH } from './issuer-routes';
import { oktaAuthorizationError, oktaErrorPage, oktaTokenError } from './okta-answers';

/** Tokens for another API on the same server (`resource=api://another-api`): a wrong-audience 401 to try. */
const OTHER_AUDIENCE = 'api://another-api';
const TOKEN_TTL_SECONDS = 3600;

export type OidcErrors = typeof import('oidc-provider').errors;

export interface IssuerSetup {
  audience: string;
  clients: ClientMetadata[];
  /** The declared clients' scopes (routes.ts callers); other clients may ask for any. */
  clientScopes: Map<string, string[]>;
  scopes: string[];
  users: DevUsers;
  signingKey: JsonWebKey & { kid: string };
}

export function configuration(
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

/** Okta's words for oidc-provider's errors: token errors, and those sent back to the redirect URI. */
export function answerAsOkta(provider: Provider): void {
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
}
