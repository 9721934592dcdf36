/**
 * A local stand-in for an Okta custom authorization server, for development and tests only.
 * It speaks Okta's paths and mints access tokens shaped like Okta's (RS256, kid, ver, cid, scp).
 */
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compileRouteTable } from '../route-table/compile';
import { compileCallers } from '../route-table/callers';
import { callers as declaredCallers, routes } from '../routes';
import { type DevUsers, devUsers } from './dev-users';
import { clientMetadata } from './issuer-clients';
import { answerAsOkta, configuration } from './issuer-provider';
import { LOCAL_AUTH_SERVER_PATH, routeIssuerRequests } from './issuer-routes';

const LOCAL_AUDIENCE = 'api://default';
/** The guide's scope, and its read-only companion. */
const GUIDE_SCOPES = ['AccessAll', 'ReadOnly'];

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
  const clients = clientMetadata({
    clientId,
    clientSecret,
    jwtClientId,
    dpopClientId,
    clientPublicKey: publicPart(clientKey),
    declaredClients,
    spaClient,
  });
  const provider = withoutAdapterWarning(
    () =>
      new oidc.default(
        issuer,
        configuration(oidc.errors, { audience, clients, clientScopes, scopes, users, signingKey }),
      ),
  );
  answerAsOkta(provider);
  routeIssuerRequests(server, provider, {
    issuer,
    scopes,
    users,
    publicKey: publicPart(signingKey),
    spaRedirectUris: spaClient.redirectUris,
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
