/**
 * What the local gateway answers itself, as API Gateway does: the gateway responses of
 * serverless.yml (401, 403, 500, unknown routes), CORS preflights as serverless's MOCK integration,
 * and the CORS headers serverless offline adds on its own taken off again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CorsConfig, GatewayDescription, GatewayRoute } from './gateway-description';

/** API Gateway's own messages for the cases a gateway response template does not replace. */
export const API_GATEWAY_MESSAGES = {
  UNAUTHORIZED: 'Unauthorized',
  ACCESS_DENIED: 'User is not authorized to access this resource',
  MISSING_AUTHENTICATION_TOKEN: 'Missing Authentication Token',
  AUTHORIZER_FAILURE: null,
  // A method that requires an API key, and the authorizer named none a usage plan has.
  INVALID_API_KEY: 'Forbidden',
  THROTTLED: 'Too Many Requests',
  QUOTA_EXCEEDED: 'Limit Exceeded',
} as const;
export type ResponseType = keyof typeof API_GATEWAY_MESSAGES;
const STATUS: Record<ResponseType, number> = {
  UNAUTHORIZED: 401,
  ACCESS_DENIED: 403,
  MISSING_AUTHENTICATION_TOKEN: 403,
  AUTHORIZER_FAILURE: 500,
  INVALID_API_KEY: 403,
  THROTTLED: 429,
  QUOTA_EXCEEDED: 429,
};
export function gatewayResponse(
  description: GatewayDescription,
  req: IncomingMessage,
  res: ServerResponse,
  type: ResponseType,
): void {
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
  res.end(
    config?.templates['application/json'] ??
      JSON.stringify({ message: API_GATEWAY_MESSAGES[type] }),
  );
}

/** The MOCK integration serverless generates for OPTIONS (osls: api-gateway/lib/cors.js). */
export function preflight(req: IncomingMessage, res: ServerResponse, routes: GatewayRoute[]): void {
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
export function removeOfflineCors(
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

function requestHeader(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}
