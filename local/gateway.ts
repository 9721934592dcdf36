/**
 * The local stand-in for API Gateway in front of serverless offline, so `npm start` answers as the
 * deployed API does. serverless offline runs the functions (with its own authorization off); this
 * gateway does what API Gateway does around them, from serverless.yml as serverless resolved it:
 * - calls the TOKEN authorizer (through offline's Lambda invoke API), caches its result per token
 *   for the authorizer's TTL, and evaluates the policy for the request's method ARN;
 * - answers 401, 403, 500 and unknown routes with the gateway responses of serverless.yml;
 * - answers CORS preflights as the MOCK integration serverless generates does;
 * - hands the authorizer's context to the function as API Gateway does (every value a string);
 * - removes the CORS headers serverless offline adds on its own (it echoes any Origin and allows
 *   credentials), keeping only what the function set.
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PolicyDocument } from 'aws-lambda';
import { parseRoute, pathSegments, routeOf, type RouteTemplate } from '../route-table/patterns';
import type {
  AuthorizerDescription,
  CorsConfig,
  GatewayDescription,
  GatewayRoute,
} from './gateway-description';

/** serverless-offline's own policy check, as it applies it when its authorization is on. */
type PolicyCheck = (policy: PolicyDocument, resource: string) => boolean;

export interface GatewayOptions {
  port: number;
  host?: string;
  description: GatewayDescription;
  /** serverless offline's HTTP server, e.g. http://127.0.0.1:3456 */
  offlineUrl: string;
  /** serverless offline's Lambda invoke API, e.g. http://127.0.0.1:3457 */
  lambdaUrl: string;
}

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

const OVERRIDE_HEADER = 'sls-offline-authorizer-override';
// API Gateway's own messages for the cases a gateway response template does not replace.
const MESSAGES = {
  UNAUTHORIZED: 'Unauthorized',
  ACCESS_DENIED: 'User is not authorized to access this resource',
  MISSING_AUTHENTICATION_TOKEN: 'Missing Authentication Token',
  AUTHORIZER_FAILURE: null,
} as const;
type ResponseType = keyof typeof MESSAGES;
const STATUS: Record<ResponseType, number> = {
  UNAUTHORIZED: 401,
  ACCESS_DENIED: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  AUTHORIZER_FAILURE: 500,
};
const ACCOUNT = '000000000000';
const API_ID = 'local';

type AuthorizerResult =
  | { kind: 'policy'; principalId: string; policy: PolicyDocument; context: Record<string, string> }
  | { kind: 'unauthorized' }
  | { kind: 'failure' };

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { description } = options;
  const routes = description.routes.map((route) => ({
    ...parseRoute(`${route.method} ${route.path}`),
    route,
  }));
  const allows = await policyCheck();
  const cache = new Map<string, { result: AuthorizerResult; until: number }>();

  /** Invokes an authorizer function as API Gateway does, and reads its answer the same way. */
  async function invoke(functionName: string, event: object): Promise<AuthorizerResult> {
    const response = await fetch(
      `${options.lambdaUrl}/2015-03-31/functions/${functionName}/invocations`,
      { method: 'POST', body: JSON.stringify(event) },
    );
    const payload = (await response.json()) as {
      errorMessage?: string;
      principalId?: string;
      policyDocument?: PolicyDocument;
      context?: Record<string, unknown>;
    };
    if (payload.errorMessage !== undefined || !payload.policyDocument || !payload.principalId) {
      // API Gateway: exactly "Unauthorized" is a 401; any other error an authorizer failure (500).
      return payload.errorMessage === 'Unauthorized'
        ? { kind: 'unauthorized' }
        : { kind: 'failure' };
    }
    return {
      kind: 'policy',
      principalId: payload.principalId,
      policy: payload.policyDocument,
      context: Object.fromEntries(
        Object.entries(payload.context ?? {}).map(([key, value]) => [key, String(value)]),
      ),
    };
  }

  /** A TOKEN authorizer's answer, cached per authorizer and token for its TTL. */
  async function authorizeToken(
    name: string,
    authorizer: AuthorizerDescription,
    token: string,
    methodArn: string,
  ): Promise<AuthorizerResult> {
    const key = `${name} ${token}`;
    const cached = cache.get(key);
    if (cached && cached.until > Date.now()) return cached.result;
    const result = await invoke(authorizer.functionName, {
      type: 'TOKEN',
      authorizationToken: token,
      methodArn,
    });
    if (result.kind === 'policy' && authorizer.ttlSeconds > 0) {
      cache.set(key, { result, until: Date.now() + authorizer.ttlSeconds * 1000 });
    }
    return result;
  }

  /**
   * A REQUEST authorizer's event, as API Gateway builds it for a REST API: every header (and each
   * value of a repeated one), the method, and requestContext.path as the client called it (this
   * gateway serves no stage prefix in its URLs, as a custom domain would).
   */
  function requestEvent(req: IncomingMessage, route: GatewayRoute, methodArn: string): object {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const headers: Record<string, string> = {};
    const multiValueHeaders: Record<string, string[]> = {};
    for (let i = 0; i < req.rawHeaders.length; i += 2) {
      const name = req.rawHeaders[i] as string;
      const value = req.rawHeaders[i + 1] as string;
      headers[name] = value;
      (multiValueHeaders[name] ??= []).push(value);
    }
    return {
      type: 'REQUEST',
      methodArn,
      resource: route.path,
      path: url.pathname,
      httpMethod: (req.method ?? 'GET').toUpperCase(),
      headers,
      multiValueHeaders,
      queryStringParameters: Object.fromEntries(url.searchParams),
      requestContext: {
        apiId: API_ID,
        stage: description.stage,
        path: url.pathname,
        domainName: req.headers.host ?? '',
        httpMethod: (req.method ?? 'GET').toUpperCase(),
        resourcePath: route.path,
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://gateway');
    const method = (req.method ?? 'GET').toUpperCase();
    const path = url.pathname;
    const segments = pathSegments(path);
    if (method === 'OPTIONS') {
      const withCors = routes.filter((r) => r.route.cors && samePath(r, segments));
      if (withCors.length > 0)
        return preflight(
          req,
          res,
          withCors.map((r) => r.route),
        );
    }
    const matched = routeOf(routes, method, segments);
    if (!matched) return gatewayResponse(req, res, 'MISSING_AUTHENTICATION_TOKEN');

    let context: Record<string, string> | undefined;
    if (matched.route.protected) {
      const name = matched.route.authorizer ?? 'authorizer';
      const authorizer = description.authorizers[name];
      if (!authorizer) return gatewayResponse(req, res, 'AUTHORIZER_FAILURE');
      const source = authorizer.header ? req.headers[authorizer.header.toLowerCase()] : undefined;
      // A missing identity source: API Gateway answers 401 without calling the authorizer.
      if (authorizer.header && (typeof source !== 'string' || !source)) {
        return gatewayResponse(req, res, 'UNAUTHORIZED');
      }
      const methodArn = `arn:aws:execute-api:${description.region}:${ACCOUNT}:${API_ID}/${description.stage}/${method}${path}`;
      const result =
        authorizer.type === 'TOKEN'
          ? await authorizeToken(name, authorizer, source as string, methodArn)
          : // A REQUEST authorizer with TTL 0, as the DPoP one: called on every request.
            await invoke(authorizer.functionName, requestEvent(req, matched.route, methodArn));
      if (result.kind === 'unauthorized') return gatewayResponse(req, res, 'UNAUTHORIZED');
      if (result.kind === 'failure') return gatewayResponse(req, res, 'AUTHORIZER_FAILURE');
      if (!allows(result.policy, methodArn)) return gatewayResponse(req, res, 'ACCESS_DENIED');
      context = { principalId: result.principalId, ...result.context };
    }
    forward(req, res, matched.route, context);
  }

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    route: GatewayRoute,
    context: Record<string, string> | undefined,
  ): void {
    const headers = { ...req.headers };
    // Only this gateway says who the caller is.
    delete headers[OVERRIDE_HEADER];
    if (context) headers[OVERRIDE_HEADER] = JSON.stringify(context);
    const upstream = request(
      `${options.offlineUrl}${req.url}`,
      { method: req.method, headers },
      (response) => {
        const out = { ...response.headers };
        removeOfflineCors(out, req.headers.origin, route.cors);
        res.writeHead(response.statusCode ?? 502, out);
        response.pipe(res);
      },
    );
    upstream.on('error', () => gatewayResponse(req, res, 'AUTHORIZER_FAILURE'));
    req.pipe(upstream);
  }

  function gatewayResponse(req: IncomingMessage, res: ServerResponse, type: ResponseType): void {
    const status = STATUS[type];
    const config =
      description.gatewayResponses.find((r) => r.type === type) ??
      description.gatewayResponses.find(
        (r) => r.type === (status >= 500 ? 'DEFAULT_5XX' : 'DEFAULT_4XX'),
      );
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(config?.parameters ?? {})) {
      const header = name.replace(/^gatewayresponse\.header\./, '');
      const resolved = value.startsWith("'")
        ? value.slice(1, -1)
        : requestHeader(req, value.replace(/^method\.request\.header\./, ''));
      if (resolved) headers[header] = resolved;
    }
    res.writeHead(Number(config?.statusCode ?? status), headers);
    res.end(config?.templates['application/json'] ?? JSON.stringify({ message: MESSAGES[type] }));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) gatewayResponse(req, res, 'AUTHORIZER_FAILURE');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? 'localhost', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The MOCK integration serverless generates for OPTIONS (osls: api-gateway/lib/cors.js). */
function preflight(req: IncomingMessage, res: ServerResponse, routes: GatewayRoute[]): void {
  const cors = routes[0]?.cors as CorsConfig;
  const methods = ['OPTIONS', ...new Set(routes.map((r) => r.method))].join(',');
  const origin = req.headers.origin;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'access-control-allow-origin':
      origin && cors.echo && originMatches(origin, cors) ? origin : (cors.origins[0] as string),
    'access-control-allow-headers': cors.headers.join(','),
    'access-control-allow-methods': methods.replace('ANY', 'DELETE,GET,HEAD,PATCH,POST,PUT'),
  };
  if (cors.allowCredentials) headers['access-control-allow-credentials'] = 'true';
  if (cors.maxAge) headers['access-control-max-age'] = String(cors.maxAge);
  res.writeHead(200, headers);
  res.end();
}

/**
 * serverless offline sets Access-Control-Allow-Origin to the request's Origin and
 * Access-Control-Allow-Credentials: true on every response the function did not set them on.
 * With the proxy integration, API Gateway adds neither: keep only what the function could have set.
 */
function removeOfflineCors(
  headers: Record<string, string | string[] | undefined>,
  origin: string | undefined,
  cors: CorsConfig | undefined,
): void {
  delete headers['access-control-allow-credentials'];
  const allowOrigin = headers['access-control-allow-origin'];
  // The handlers echo an Origin only when it is on the list (handlers/http.ts).
  if (allowOrigin !== undefined && allowOrigin === origin && !cors?.origins.includes(origin)) {
    delete headers['access-control-allow-origin'];
  }
}

/** osls's response template: each origin a regular expression, dots literal, the first `*` `.+`. */
function originMatches(origin: string, cors: CorsConfig): boolean {
  return cors.origins.some((allowed) =>
    new RegExp(`^${allowed.replace(/\./g, '[.]').replace('*', '.+')}$`).test(origin),
  );
}

function samePath(route: RouteTemplate, segments: string[]): boolean {
  return routeOf([{ ...route, method: 'ANY' }], 'GET', segments) !== undefined;
}

function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** serverless-offline's authCanExecuteResource: an explicit Deny wins, `*` and `?` as in ARNs. */
async function policyCheck(): Promise<PolicyCheck> {
  const file = require
    .resolve('serverless-offline')
    .replace(/index\.js$/, 'events/authCanExecuteResource.js');
  return ((await import(file)) as { default: PolicyCheck }).default;
}
