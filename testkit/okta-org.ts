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
 * without the API token. OAuth for Okta too: a service app's `private_key_jwt` client assertion at
 * `/oauth2/v1/token` buys a Bearer token limited to its granted `okta.*` scopes (403 beyond them).
 * Tests and `npm run okta:stand-in` only; never deployed.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, importJWK, type JWK, jwtVerify } from 'jose';

type Json = Record<string, unknown>;

export interface Rule extends Json {
  id: string;
  name: string;
  priority: number;
  conditions: {
    grantTypes: { include: string[] };
    scopes: { include: string[] };
    people: { users?: { include: string[] }; groups?: { include: string[] } };
  };
}
export interface Policy extends Json {
  id: string;
  name: string;
  priority: number;
  conditions: { clients: { include: string[] } };
  rules: Rule[];
}
export interface Scope extends Json {
  id: string;
  name: string;
  consent: string;
}
export interface Server extends Json {
  id: string;
  name: string;
  audiences: string[];
  scopes: Scope[];
  policies: Policy[];
}
export interface App extends Json {
  id: string;
  label: string;
  credentials: { oauthClient: Json & { client_id: string; client_secret?: string } };
  settings: { oauthClient: Json };
}
export interface TrustedOrigin extends Json {
  id: string;
  name: string;
  origin: string;
  scopes: { type: string }[];
}
export interface Group extends Json {
  id: string;
  type: string;
  profile: { name: string };
}

export interface OktaOrgStandIn {
  /** The org URL (OKTA_CLIENT_ORGURL). */
  orgUrl: string;
  /** The SSWS API token it accepts (OKTA_CLIENT_TOKEN). */
  token: string;
  state: { servers: Server[]; apps: App[]; trustedOrigins: TrustedOrigin[]; groups: Group[] };
  /** Every request, as `METHOD /path`, in order. */
  requests: string[];
  /** The next `count` management requests get 429, with X-Rate-Limit-Reset one second ahead. */
  rateLimitNext(count?: number): void;
  close(): Promise<void>;
}

/** An OAuth for Okta service app: its public key and the okta.* scopes granted to it. */
export interface ManagementClient {
  clientId: string;
  publicJwk: JWK;
  scopes: string[];
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

class OktaError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.errorSummary));
  }
}

const notFound = (id: string, kind: string) =>
  new OktaError(404, {
    errorCode: 'E0000007',
    errorSummary: `Not found: Resource not found: ${id} (${kind})`,
    errorLink: 'E0000007',
    errorId: errorId(),
    errorCauses: [],
  });

/** Okta's 400 for a payload that fails validation: one cause per field. */
const invalid = (...causes: string[]) =>
  new OktaError(400, {
    errorCode: 'E0000001',
    errorSummary: `Api validation failed: ${causes[0]?.split(':')[0]}`,
    errorLink: 'E0000001',
    errorId: errorId(),
    errorCauses: causes.map((errorSummary) => ({ errorSummary })),
  });

function errorId(): string {
  return `oae${randomBytes(11).toString('base64url')}`;
}

/** Okta ids: a three-letter prefix and 17 more characters. */
function oktaId(prefix: string): string {
  return `${prefix}${randomBytes(13).toString('base64url').replace(/[-_]/g, 'x').slice(0, 17)}`;
}

/** Inserts or moves `item` to `priority` (1-based; past the end means last) and renumbers 1..n. */
function placeAt<T extends { priority: number }>(list: T[], item: T, priority: unknown): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
  const wanted =
    typeof priority === 'number' && Number.isInteger(priority) && priority >= 1
      ? Math.min(priority, list.length + 1)
      : list.length + 1;
  list.splice(wanted - 1, 0, item);
  list.forEach((entry, i) => (entry.priority = i + 1));
}

const now = () => new Date().toISOString();
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export async function startOktaOrg(options: OktaOrgOptions = {}): Promise<OktaOrgStandIn> {
  const token = options.token ?? randomBytes(21).toString('base64url');
  const state: OktaOrgStandIn['state'] = {
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
  /** OAuth for Okta access tokens issued, with their scopes. */
  const accessTokens = new Map<string, string[]>();
  const { publicKey } = await generateKeyPair('RS256');
  const signingKey: JWK = {
    ...(await exportJWK(publicKey)),
    kid: randomUUID(),
    alg: 'RS256',
    use: 'sig',
  };

  const server = createServer((req, res) => {
    void answer(req, res).catch((error: unknown) => {
      const status = error instanceof OktaError ? error.status : 500;
      const body =
        error instanceof OktaError
          ? error.body
          : { errorCode: 'E0000009', errorSummary: 'Internal Server Error', errorCauses: [] };
      send(res, status, body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const orgUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const issuerOf = (id: string) => `${orgUrl}/oauth2/${id}`;

  if (options.defaultServer) {
    const everyone = state.groups[0] as Group;
    state.servers.push({
      id: 'default',
      name: 'default',
      description: 'Default Authorization Server for your Applications',
      audiences: ['api://default'],
      issuer: issuerOf('default'),
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
    });
  }

  function send(res: ServerResponse, status: number, body?: unknown, headers: Json = {}) {
    res.writeHead(status, {
      'content-type': 'application/json',
      date: new Date().toUTCString(),
      'x-okta-request-id': randomUUID(),
      'x-rate-limit-limit': '100',
      'x-rate-limit-remaining': '99',
      'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 60),
      ...headers,
    } as Record<string, string>);
    res.end(body === undefined ? undefined : JSON.stringify(body));
  }

  async function readBody(req: IncomingMessage): Promise<Json> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    if (!text) return {};
    try {
      const parsed = JSON.parse(text) as unknown;
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed))
        return parsed as Json;
    } catch {
      // below
    }
    throw new OktaError(400, {
      errorCode: 'E0000003',
      errorSummary: 'The request body was not well-formed.',
      errorLink: 'E0000003',
      errorId: errorId(),
      errorCauses: [],
    });
  }

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', orgUrl);
    const method = req.method ?? 'GET';
    const path = url.pathname.replace(/\/$/, '');
    requests.push(`${method} ${path}`);

    // Each server's public endpoints: discovery and keys (no API token).
    const publicPath =
      /^\/oauth2\/([^/]+)\/(\.well-known\/oauth-authorization-server|v1\/keys)$/.exec(path);
    if (publicPath) {
      const found = state.servers.find((s) => s.id === publicPath[1]);
      if (!found) throw notFound(String(publicPath[1]), 'AuthorizationServer');
      const issuer = issuerOf(found.id);
      send(
        res,
        200,
        publicPath[2] === 'v1/keys'
          ? { keys: [signingKey] }
          : {
              issuer,
              authorization_endpoint: `${issuer}/v1/authorize`,
              token_endpoint: `${issuer}/v1/token`,
              jwks_uri: `${issuer}/v1/keys`,
              scopes_supported: found.scopes.map((s) => s.name),
              grant_types_supported: ['authorization_code', 'client_credentials', 'refresh_token'],
              dpop_signing_alg_values_supported: ['RS256', 'ES256'],
            },
      );
      return;
    }

    if (path === '/oauth2/v1/token' && method === 'POST') {
      await tokenEndpoint(req, res);
      return;
    }
    if (!path.startsWith('/api/v1/')) throw notFound(path, 'Endpoint');
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const granted = bearer ? accessTokens.get(bearer) : undefined;
    if (granted) {
      const needed = scopeFor(method, path);
      if (
        !granted.includes(needed) &&
        !(needed.endsWith('.read') && granted.includes(needed.replace(/\.read$/, '.manage')))
      ) {
        send(
          res,
          403,
          {
            errorCode: 'E0000006',
            errorSummary: 'You do not have permission to perform the requested action',
            errorLink: 'E0000006',
            errorId: errorId(),
            errorCauses: [],
          },
          { 'www-authenticate': `Bearer error="insufficient_scope", scope="${needed}"` },
        );
        return;
      }
    } else if (req.headers.authorization !== `SSWS ${token}`) {
      send(res, 401, {
        errorCode: 'E0000011',
        errorSummary: 'Invalid token provided',
        errorLink: 'E0000011',
        errorId: errorId(),
        errorCauses: [],
      });
      return;
    }
    if (rateLimited > 0) {
      rateLimited -= 1;
      send(
        res,
        429,
        {
          errorCode: 'E0000047',
          errorSummary: 'API call exceeded rate limit due to too many requests.',
          errorLink: 'E0000047',
          errorId: errorId(),
          errorCauses: [],
        },
        {
          'x-rate-limit-remaining': '0',
          'x-rate-limit-reset': String(Math.ceil(Date.now() / 1000) + 1),
        },
      );
      return;
    }
    const body = method === 'POST' || method === 'PUT' ? await readBody(req) : {};
    const [status, result] = route(method, path.slice('/api/v1/'.length).split('/'), body, url);
    send(res, status, result);
  }

  /** OAuth for Okta: client credentials with a private_key_jwt assertion, as the SDK sends it. */
  async function tokenEndpoint(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let text = '';
    for await (const chunk of req) text += String(chunk);
    const form = new URLSearchParams(text);
    const refuse = (error: string, description: string) =>
      send(res, 401, { error, error_description: description });
    const assertion = form.get('client_assertion') ?? '';
    let clientId: string;
    try {
      clientId = String(
        JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString()).iss,
      );
    } catch {
      return refuse('invalid_client', 'The client_assertion token is invalid.');
    }
    const client = options.managementClients?.find((c) => c.clientId === clientId);
    if (
      !client ||
      form.get('client_assertion_type') !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
    )
      return refuse('invalid_client', 'The client_assertion token is invalid.');
    try {
      await jwtVerify(assertion, await importJWK(client.publicJwk, 'RS256'), {
        issuer: clientId,
        subject: clientId,
        audience: `${orgUrl}/oauth2/v1/token`,
        algorithms: ['RS256'],
      });
    } catch (error) {
      return refuse(
        'invalid_client',
        `The client_assertion token is invalid: ${(error as Error).message}`,
      );
    }
    const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
    const denied = asked.filter((scope) => !client.scopes.includes(scope));
    if (asked.length === 0 || denied.length) {
      send(res, 400, {
        error: 'invalid_scope',
        error_description: `The following scopes are not granted to this client: ${denied.join(' ') || '(none asked)'}`,
      });
      return;
    }
    const accessToken = randomBytes(32).toString('base64url');
    accessTokens.set(accessToken, asked);
    send(res, 200, {
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: accessToken,
      scope: asked.join(' '),
    });
  }

  function route(method: string, parts: string[], body: Json, url: URL): [number, unknown] {
    const q = url.searchParams.get('q')?.toLowerCase();
    const [collection, id, sub, subId, leaf, leafId] = parts;
    if (collection === 'groups' && method === 'GET' && !id) {
      return [200, state.groups.filter((g) => !q || g.profile.name.toLowerCase().startsWith(q))];
    }
    if (collection === 'authorizationServers') {
      if (!id) {
        if (method === 'GET')
          return [
            200,
            state.servers
              .filter(
                (s) =>
                  !q ||
                  s.name.toLowerCase().startsWith(q) ||
                  s.audiences.some((a) => a.toLowerCase().startsWith(q)),
              )
              .map(showServer),
          ];
        if (method === 'POST') return [201, showServer(createServer_(body))];
      }
      const found = state.servers.find((s) => s.id === id);
      if (!found) throw notFound(String(id), 'AuthorizationServer');
      if (!sub) {
        if (method === 'GET') return [200, showServer(found)];
        if (method === 'PUT') return [200, showServer(updateServer(found, body))];
      }
      if (sub === 'scopes') return scopes(found, method, subId, body);
      if (sub === 'policies') return policies(found, method, subId, leaf, leafId, body);
    }
    if (collection === 'apps') {
      if (!id) {
        if (method === 'GET')
          return [
            200,
            state.apps.filter((a) => !q || a.label.toLowerCase().startsWith(q)).map(showApp),
          ];
        if (method === 'POST') {
          const app = createApp(body);
          // The secret is in this answer only.
          return [200, { ...showApp(app), credentials: clone(app.credentials) }];
        }
      }
      const app = state.apps.find((a) => a.id === id);
      if (!app) throw notFound(String(id), 'AppInstance');
      if (method === 'GET') return [200, showApp(app)];
      if (method === 'PUT') return [200, showApp(updateApp(app, body))];
    }
    if (collection === 'trustedOrigins') {
      if (!id) {
        if (method === 'GET')
          return [
            200,
            state.trustedOrigins.filter(
              (o) =>
                !q || o.name.toLowerCase().startsWith(q) || o.origin.toLowerCase().startsWith(q),
            ),
          ];
        if (method === 'POST') return [200, saveOrigin(undefined, body)];
      }
      const origin = state.trustedOrigins.find((o) => o.id === id);
      if (!origin) throw notFound(String(id), 'TrustedOrigin');
      if (method === 'GET') return [200, origin];
      if (method === 'PUT') return [200, saveOrigin(origin, body)];
    }
    throw new OktaError(405, {
      errorCode: 'E0000022',
      errorSummary: 'The endpoint does not support the provided HTTP method',
      errorLink: 'E0000022',
      errorId: errorId(),
      errorCauses: [],
    });
  }

  function showServer(s: Server): Json {
    const { scopes: _scopes, policies: _policies, ...shown } = s;
    return clone(shown);
  }

  function createServer_(body: Json): Server {
    const name = body.name;
    const audiences = body.audiences;
    const causes: string[] = [];
    if (typeof name !== 'string' || !name.trim())
      causes.push('name: The field cannot be left blank');
    if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== 'string')
      causes.push('audiences: Exactly one audience is required');
    if (state.servers.some((s) => s.name === name))
      causes.push('name: An object with this field already exists in the current organization');
    if (causes.length) throw invalid(...causes);
    const id = oktaId('aus');
    const created: Server = {
      id,
      name: String(name),
      description: typeof body.description === 'string' ? body.description : '',
      audiences: audiences as string[],
      issuer: issuerOf(id),
      issuerMode: 'ORG_URL',
      status: 'ACTIVE',
      created: now(),
      lastUpdated: now(),
      scopes: [],
      policies: [],
    };
    state.servers.push(created);
    return created;
  }

  function updateServer(s: Server, body: Json): Server {
    if (!Array.isArray(body.audiences) || body.audiences.length !== 1)
      throw invalid('audiences: Exactly one audience is required');
    if (typeof body.name !== 'string' || !body.name)
      throw invalid('name: The field cannot be left blank');
    Object.assign(s, {
      name: body.name,
      description: body.description ?? s.description,
      audiences: body.audiences,
      lastUpdated: now(),
    });
    return s;
  }

  function scopes(
    s: Server,
    method: string,
    id: string | undefined,
    body: Json,
  ): [number, unknown] {
    if (!id && method === 'GET') return [200, clone(s.scopes)];
    const validate = (existing?: Scope) => {
      const causes: string[] = [];
      if (typeof body.name !== 'string' || !/^[\w.:/-]+$/.test(body.name))
        causes.push('name: The scope name is invalid');
      if (s.scopes.some((x) => x.name === body.name && x !== existing))
        causes.push('name: An object with this field already exists in the current organization');
      if (
        body.consent !== undefined &&
        !['REQUIRED', 'IMPLICIT', 'FLEXIBLE'].includes(String(body.consent))
      )
        causes.push('consent: Invalid value');
      if (causes.length) throw invalid(...causes);
    };
    if (!id && method === 'POST') {
      validate();
      const scope: Scope = {
        id: oktaId('scp'),
        name: String(body.name),
        description: body.description ?? '',
        displayName: body.displayName ?? body.name,
        consent: String(body.consent ?? 'IMPLICIT'),
        metadataPublish: body.metadataPublish ?? 'NO_CLIENTS',
        system: false,
        default: false,
      };
      s.scopes.push(scope);
      return [201, scope];
    }
    const scope = s.scopes.find((x) => x.id === id);
    if (!scope) throw notFound(String(id), 'OAuth2Scope');
    if (method === 'GET') return [200, scope];
    if (method === 'PUT') {
      validate(scope);
      Object.assign(scope, {
        ...body,
        id: scope.id,
        consent: String(body.consent ?? scope.consent),
      });
      return [200, scope];
    }
    if (method === 'DELETE') {
      s.scopes.splice(s.scopes.indexOf(scope), 1);
      return [204, undefined];
    }
    throw notFound(String(id), 'OAuth2Scope');
  }

  function showPolicy(p: Policy): Json {
    const { rules: _rules, ...shown } = p;
    return clone(shown);
  }

  function policies(
    s: Server,
    method: string,
    id: string | undefined,
    leaf: string | undefined,
    ruleId: string | undefined,
    body: Json,
  ): [number, unknown] {
    if (!id) {
      if (method === 'GET') return [200, s.policies.map(showPolicy)];
      if (method === 'POST') {
        validatePolicy(body);
        const policy: Policy = {
          id: oktaId('00p'),
          type: 'OAUTH_AUTHORIZATION_POLICY',
          status: 'ACTIVE',
          name: String(body.name),
          description: String(body.description ?? ''),
          priority: 0,
          system: false,
          conditions: clone(body.conditions) as Policy['conditions'],
          created: now(),
          lastUpdated: now(),
          rules: [],
        };
        placeAt(s.policies, policy, body.priority);
        return [201, showPolicy(policy)];
      }
    }
    const policy = s.policies.find((p) => p.id === id);
    if (!policy) throw notFound(String(id), 'Policy');
    if (!leaf) {
      if (method === 'GET') return [200, showPolicy(policy)];
      if (method === 'PUT') {
        validatePolicy(body);
        Object.assign(policy, {
          name: body.name,
          description: body.description ?? policy.description,
          conditions: clone(body.conditions),
          lastUpdated: now(),
        });
        placeAt(s.policies, policy, body.priority ?? policy.priority);
        return [200, showPolicy(policy)];
      }
    }
    if (leaf === 'rules') {
      if (!ruleId && method === 'GET') return [200, clone(policy.rules)];
      if (!ruleId && method === 'POST') {
        validateRule(body);
        const rule: Rule = {
          id: oktaId('0pr'),
          type: 'RESOURCE_ACCESS',
          status: 'ACTIVE',
          name: String(body.name),
          priority: 0,
          system: false,
          conditions: clone(body.conditions) as Rule['conditions'],
          actions: clone(body.actions ?? { token: tokenActions() }),
          created: now(),
          lastUpdated: now(),
        };
        placeAt(policy.rules, rule, body.priority);
        return [201, clone(rule)];
      }
      const rule = policy.rules.find((r) => r.id === ruleId);
      if (!rule) throw notFound(String(ruleId), 'PolicyRule');
      if (method === 'GET') return [200, clone(rule)];
      if (method === 'PUT') {
        validateRule(body);
        Object.assign(rule, {
          name: body.name,
          conditions: clone(body.conditions),
          actions: clone(body.actions ?? rule.actions),
          lastUpdated: now(),
        });
        placeAt(policy.rules, rule, body.priority ?? rule.priority);
        return [200, clone(rule)];
      }
    }
    throw notFound(String(id), 'Policy');
  }

  function validatePolicy(body: Json) {
    const causes: string[] = [];
    if (body.type !== 'OAUTH_AUTHORIZATION_POLICY') causes.push('type: Invalid policy type');
    if (typeof body.name !== 'string' || !body.name)
      causes.push('name: The field cannot be left blank');
    const include = (body.conditions as Policy['conditions'] | undefined)?.clients?.include;
    if (!Array.isArray(include) || include.length === 0)
      causes.push('conditions.clients: At least one client must be included');
    if (causes.length) throw invalid(...causes);
  }

  function validateRule(body: Json) {
    const causes: string[] = [];
    const conditions = body.conditions as Partial<Rule['conditions']> | undefined;
    if (body.type !== 'RESOURCE_ACCESS') causes.push('type: Invalid rule type');
    if (typeof body.name !== 'string' || !body.name)
      causes.push('name: The field cannot be left blank');
    if (!conditions?.grantTypes?.include?.length)
      causes.push('conditions.grantTypes: At least one grant type is required');
    if (!conditions?.scopes?.include?.length)
      causes.push('conditions.scopes: At least one scope is required');
    if (!conditions?.people) causes.push('conditions.people: The field cannot be left blank');
    if (causes.length) throw invalid(...causes);
  }

  function showApp(app: App): Json {
    const shown = clone(app);
    delete shown.credentials.oauthClient.client_secret;
    return shown;
  }

  function validateApp(body: Json): void {
    const causes: string[] = [];
    if (typeof body.label !== 'string' || !body.label)
      causes.push('label: The field cannot be left blank');
    if (body.signOnMode !== 'OPENID_CONNECT')
      causes.push('signOnMode: Only OPENID_CONNECT apps are supported here');
    const client = (body.settings as { oauthClient?: Json } | undefined)?.oauthClient;
    const method = (body.credentials as { oauthClient?: Json } | undefined)?.oauthClient
      ?.token_endpoint_auth_method;
    if (!client || !Array.isArray(client.grant_types) || client.grant_types.length === 0)
      causes.push('settings.oauthClient.grant_types: At least one grant type is required');
    if (
      method === 'private_key_jwt' &&
      !(client?.jwks as { keys?: unknown[] } | undefined)?.keys?.length
    )
      causes.push('settings.oauthClient.jwks: A public key is required for private_key_jwt');
    const keys = (client?.jwks as { keys?: Json[] } | undefined)?.keys ?? [];
    if (keys.some((key) => 'd' in key || 'p' in key))
      causes.push('settings.oauthClient.jwks: Only public keys are accepted');
    if (causes.length) throw invalid(...causes);
  }

  function createApp(body: Json): App {
    validateApp(body);
    const credentials = clone((body.credentials ?? {}) as App['credentials']);
    credentials.oauthClient = { ...credentials.oauthClient, client_id: oktaId('0oa') };
    const method = credentials.oauthClient.token_endpoint_auth_method;
    if (method === 'client_secret_basic' || method === 'client_secret_post')
      credentials.oauthClient.client_secret = randomBytes(30).toString('base64url');
    const app: App = {
      ...clone(body),
      id: String(credentials.oauthClient.client_id),
      name: 'oidc_client',
      status: 'ACTIVE',
      created: now(),
      lastUpdated: now(),
      label: String(body.label),
      credentials,
      settings: clone(body.settings) as App['settings'],
    };
    state.apps.push(app);
    return app;
  }

  function updateApp(app: App, body: Json): App {
    validateApp(body);
    const secret = app.credentials.oauthClient.client_secret;
    const credentials = clone((body.credentials ?? {}) as App['credentials']);
    credentials.oauthClient = {
      ...credentials.oauthClient,
      client_id: app.credentials.oauthClient.client_id,
    };
    if (secret) credentials.oauthClient.client_secret = secret;
    Object.assign(app, { ...clone(body), id: app.id, credentials, lastUpdated: now() });
    return app;
  }

  function saveOrigin(existing: TrustedOrigin | undefined, body: Json): TrustedOrigin {
    const causes: string[] = [];
    if (typeof body.name !== 'string' || !body.name)
      causes.push('name: The field cannot be left blank');
    let origin = '';
    try {
      origin = new URL(String(body.origin)).origin;
    } catch {
      causes.push('origin: The origin is not a valid URL');
    }
    if (state.trustedOrigins.some((o) => o !== existing && o.origin === origin))
      causes.push('origin: An object with this field already exists in the current organization');
    const types = Array.isArray(body.scopes)
      ? (body.scopes as { type?: string }[]).map((s) => s.type)
      : [];
    if (
      types.length === 0 ||
      types.some((t) => t !== 'CORS' && t !== 'REDIRECT' && t !== 'IFRAME_EMBED')
    )
      causes.push('scopes: At least one of CORS, REDIRECT or IFRAME_EMBED is required');
    if (causes.length) throw invalid(...causes);
    const saved: TrustedOrigin = {
      ...(existing ?? { id: oktaId('tos'), status: 'ACTIVE', created: now() }),
      name: String(body.name),
      origin,
      scopes: types.map((type) => ({ type: String(type) })),
      lastUpdated: now(),
    };
    if (existing) Object.assign(existing, saved);
    else state.trustedOrigins.push(saved);
    return existing ?? saved;
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

/** The OAuth for Okta scope an endpoint needs (Okta's management API reference). */
function scopeFor(method: string, path: string): string {
  const resource = path.split('/')[3];
  const family =
    resource === 'authorizationServers'
      ? 'okta.authorizationServers'
      : resource === 'apps'
        ? 'okta.apps'
        : resource === 'trustedOrigins'
          ? 'okta.trustedOrigins'
          : 'okta.groups';
  return `${family}.${method === 'GET' ? 'read' : 'manage'}`;
}

function tokenActions(): Json {
  return {
    accessTokenLifetimeMinutes: 60,
    refreshTokenLifetimeMinutes: 0,
    refreshTokenWindowMinutes: 10080,
  };
}
