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
import { ACCOUNT, API_ID, GatewayAuthorizers } from './gateway-authorizers';
import type { GatewayDescription, GatewayRoute } from './gateway-description';
import { UsageLimits, type UsageLimitsOptions } from './usage-limits';
import {
  gatewayResponse,
  preflight,
  removeOfflineCors,
  type ResponseType,
} from './gateway-responses';

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
  /** The usage plans' clock and quota period (tests; LOCAL_QUOTA_PERIOD_SECONDS). */
  limits?: UsageLimitsOptions;
}

const LIMIT_RESPONSES = {
  unknown_key: 'INVALID_API_KEY',
  throttled: 'THROTTLED',
  quota_exceeded: 'QUOTA_EXCEEDED',
} as const;

export interface Gateway {
  url: string;
  close(): Promise<void>;
}

const OVERRIDE_HEADER = 'sls-offline-authorizer-override';

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const { description } = options;
  const routes = description.routes.map((route) => ({
    ...parseRoute(`${route.method} ${route.path}`),
    route,
  }));
  const allows = await policyCheck();
  const authorizers = new GatewayAuthorizers(options.lambdaUrl, description.stage);
  const limits = new UsageLimits(description.usagePlans, options.limits);
  const respond = (req: IncomingMessage, res: ServerResponse, type: ResponseType) =>
    gatewayResponse(description, req, res, type);

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
    if (!matched) return respond(req, res, 'MISSING_AUTHENTICATION_TOKEN');

    let context: Record<string, string> | undefined;
    if (matched.route.protected) {
      const name = matched.route.authorizer ?? 'authorizer';
      const authorizer = description.authorizers[name];
      if (!authorizer) return respond(req, res, 'AUTHORIZER_FAILURE');
      const source = authorizer.header ? req.headers[authorizer.header.toLowerCase()] : undefined;
      // A missing identity source: API Gateway answers 401 without calling the authorizer.
      if (authorizer.header && (typeof source !== 'string' || !source)) {
        return respond(req, res, 'UNAUTHORIZED');
      }
      const methodArn = `arn:aws:execute-api:${description.region}:${ACCOUNT}:${API_ID}/${description.stage}/${method}${path}`;
      const result =
        authorizer.type === 'TOKEN'
          ? await authorizers.authorizeToken(name, authorizer, source as string, methodArn)
          : // A REQUEST authorizer with TTL 0, as the DPoP one: called on every request.
            await authorizers.invoke(
              authorizer.functionName,
              authorizers.requestEvent(req, matched.route, methodArn),
            );
      if (result.kind === 'unauthorized') return respond(req, res, 'UNAUTHORIZED');
      if (result.kind === 'failure') return respond(req, res, 'AUTHORIZER_FAILURE');
      if (!allows(result.policy, methodArn)) return respond(req, res, 'ACCESS_DENIED');
      // The caller's usage plan, by the key the authorizer named (never a header of the request).
      if (matched.route.apiKeyRequired) {
        const verdict = limits.take(result.usageIdentifierKey);
        if (verdict !== 'ok') return respond(req, res, LIMIT_RESPONSES[verdict]);
      }
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
    upstream.on('error', () => respond(req, res, 'AUTHORIZER_FAILURE'));
    req.pipe(upstream);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) respond(req, res, 'AUTHORIZER_FAILURE');
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

function samePath(route: RouteTemplate, segments: string[]): boolean {
  return routeOf([{ ...route, method: 'ANY' }], 'GET', segments) !== undefined;
}

/** serverless-offline's authCanExecuteResource: an explicit Deny wins, `*` and `?` as in ARNs. */
async function policyCheck(): Promise<PolicyCheck> {
  const file = require
    .resolve('serverless-offline')
    .replace(/index\.js$/, 'events/authCanExecuteResource.js');
  return ((await import(file)) as { default: PolicyCheck }).default;
}
