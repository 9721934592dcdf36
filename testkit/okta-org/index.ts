/**
 * A stateful stand-in for the parts of Okta's management API that `npm run okta` uses, on
 * loopback: authorization servers, their scopes, access policies and rules, OAuth 2.0 apps,
 * trusted origins and groups (read only), plus each server's discovery document and keys.
 *
 * It answers as Okta's published API does for the cases the tool relies on: 201 on creating a
 * server, scope, policy or rule and 200 on creating an app or trusted origin; an app's
 * `client_secret` only in the answer that created it; policy and rule priorities renumbered
 * 1..n whenever one is inserted or moved; 429 with `X-Rate-Limit-Reset`; 404 for an unknown id;
 * 400 with Okta's error body (errorCode, errorSummary, errorCauses) for an invalid payload; 401
 * without the API token. OAuth for Okta too (oauth.ts).
 * Tests and `npm run okta:stand-in` only; never deployed.
 *
 * This module: the server, authentication and rate limits. The resources: servers.ts,
 * policies.ts, apps.ts, origins.ts, routed by routes.ts; their shapes and errors: model.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import { oktaError, readBody, send } from './http';
import {
  type Group,
  notFound,
  now,
  OktaError,
  oktaId,
  type Org,
  type OrgState,
  type Server,
  tokenActions,
} from './model';
import { type ManagementClient, missingScope, type OAuthForOkta, tokenEndpoint } from './oauth';
import { route } from './routes';

export type { App, Group, Policy, Rule, Scope, Server, TrustedOrigin } from './model';
export type { ManagementClient } from './oauth';

export interface OktaOrgStandIn {
  /** The org URL (OKTA_CLIENT_ORGURL). */
  orgUrl: string;
  /** The SSWS API token it accepts (OKTA_CLIENT_TOKEN). */
  token: string;
  state: OrgState;
  /** Every request, as `METHOD /path`, in order. */
  requests: string[];
  /** The next `count` management requests get 429, with X-Rate-Limit-Reset one second ahead. */
  rateLimitNext(count?: number): void;
  close(): Promise<void>;
}

export interface OktaOrgOptions {
  managementClients?: ManagementClient[];
  port?: number;
  token?: string;
  /** Seed the org as a new one comes: the `default` server with its grant-everything policy. */
  defaultServer?: boolean;
  /** Groups besides Everyone. */
  groups?: string[];
}

export async function startOktaOrg(options: OktaOrgOptions = {}): Promise<OktaOrgStandIn> {
  const token = options.token ?? randomBytes(21).toString('base64url');
  const state: OrgState = {
    servers: [],
    apps: [],
    trustedOrigins: [],
    groups: [
      { id: oktaId('00g'), type: 'BUILT_IN', profile: { name: 'Everyone' } },
      ...(options.groups ?? []).map((name) => ({
        id: oktaId('00g'),
        type: 'OKTA_GROUP',
        profile: { name },
      })),
    ],
  };
  const requests: string[] = [];
  let rateLimited = 0;
  const signingKey = await newSigningKey();

  const server = createServer((req, res) => {
    void answer(req, res).catch((error: unknown) => {
      const status = error instanceof OktaError ? error.status : 500;
      const body =
        error instanceof OktaError ? error.body : oktaError('E0000009', 'Internal Server Error');
      send(res, status, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const orgUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const org: Org = { state, orgUrl, issuerOf: (id) => `${orgUrl}/oauth2/${id}` };
  const oauth: OAuthForOkta = {
    orgUrl,
    clients: options.managementClients ?? [],
    accessTokens: new Map(),
  };
  if (options.defaultServer) state.servers.push(defaultServer(org));

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', orgUrl);
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/$/, '');
    requests.push(`${method} ${path}`);
    // Each server's public endpoints: discovery and keys (no API token).
    const publicPath =
      /^\/oauth2\/([^/]+)\/(\.well-known\/oauth-authorization-server|v1\/keys)$/.exec(path);
    if (publicPath) {
      send(res, 200, publicDocument(org, signingKey, String(publicPath[1]), String(publicPath[2])));
      return;
    }
    if (path === '/oauth2/v1/token' && method === 'POST') return tokenEndpoint(req, res, oauth);
    if (!path.startsWith('/api/v1/')) throw notFound(path, 'Endpoint');
    if (!authorized(req, res, method, path)) return;
    if (rateLimited > 0) {
      rateLimited -= 1;
      send(
        res,
        429,
        oktaError('E0000047', 'API call exceeded rate limit due to too many requests.'),
        {
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 1),
        },
      );
      return;
    }
    const body = method === 'POST' || method === 'PUT' ? await readBody(req) : {};
    const [status, result] = route(
      org,
      method,
      path.slice('/api/v1/'.length).split('/'),
      body,
      url,
    );
    send(res, status, result);
  }

  /** An OAuth for Okta token with the endpoint's scope, or the SSWS API token; else answered. */
  function authorized(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    path: string,
  ): boolean {
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const granted = bearer ? oauth.accessTokens.get(bearer) : undefined;
    if (granted) {
      const needed = missingScope(granted, method, path);
      if (!needed) return true;
      send(
        res,
        403,
        oktaError('E0000006', 'You do not have permission to perform the requested action'),
        { 'www-authenticate': `Bearer error="insufficient_scope", scope="${needed}"` },
      );
      return false;
    }
    if (req.headers.authorization === `SSWS ${token}`) return true;
    send(res, 401, oktaError('E0000011', 'Invalid token provided'));
    return false;
  }

  return {
    orgUrl,
    token,
    state,
    requests,
    rateLimitNext: (count = 1) => {
      rateLimited += count;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function newSigningKey(): Promise<JWK> {
  const { publicKey } = await generateKeyPair('RS256');
  return { ...(await exportJWK(publicKey)), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/** A server's discovery document (`.well-known/oauth-authorization-server`) or its keys. */
function publicDocument(org: Org, signingKey: JWK, serverId: string, document: string): unknown {
  const found = org.state.servers.find((s) => s.id === serverId);
  if (!found) throw notFound(serverId, 'AuthorizationServer');
  if (document === 'v1/keys') return { keys: [signingKey] };
  const issuer = org.issuerOf(found.id);
  return {
    issuer,
    authorization_endpoint: `${issuer}/v1/authorize`,
    token_endpoint: `${issuer}/v1/token`,
    jwks_uri: `${issuer}/v1/keys`,
    scopes_supported: found.scopes.map((s) => s.name),
    grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
    dpop_signing_alg_values_supported: ['RS256', 'ES256'],
  };
}

/** The `default` server as a new org has it, with its grant-everything policy. */
function defaultServer(org: Org): Server {
  const everyone = org.state.groups[0] as Group;
  return {
    id: 'default',
    name: 'default',
    description: 'Default Authorization Server for your Applications',
    audiences: ['api://default'],
    issuer: org.issuerOf('default'),
    issuerMode: 'ORG_URL',
    status: 'ACTIVE',
    created: now(),
    lastUpdated: now(),
    scopes: [],
    policies: [
      {
        id: oktaId('00p'),
        type: 'OAUTH_AUTHORIZATION_POLICY',
        status: 'ACTIVE',
        name: 'Default Policy',
        description: 'Default policy description',
        priority: 1,
        system: false,
        conditions: { clients: { include: ['ALL_CLIENTS'] } },
        rules: [
          {
            id: oktaId('0pr'),
            type: 'RESOURCE_ACCESS',
            status: 'ACTIVE',
            name: 'Default Policy Rule',
            priority: 1,
            system: false,
            conditions: {
              people: { groups: { include: [everyone.id] } },
              grantTypes: {
                include: ['implicit', 'client_credentials', 'authorization_code', 'password'],
              },
              scopes: { include: ['*'] },
            },
            actions: { token: tokenActions() },
          },
        ],
      },
    ],
  };
}
