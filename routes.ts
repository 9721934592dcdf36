/**
 * Who may call each route. serverless.yml wires every route to its function; this table says who
 * may call it, and the route-access plugin attaches the Okta authorizer to each protected route.
 * `serverless package`, `deploy`, `offline` and `npm start` refuse a route missing from either.
 *
 *   'anonymous'                    no token needed: no authorizer at all
 *   'authenticated'                any valid access token, whatever its scopes
 *   { allOf: ['Scope', ...] }      a valid token with every one of these scopes
 *   { anyOf: ['Scope', ...] }      a valid token with at least one of them
 *
 * Paths are API Gateway's: `{id}` is one path segment, `{proxy+}` the rest of the path.
 *
 * An object access may add `dpop` (RFC 9449, sender-constrained tokens): 'off' (the default: Bearer
 * tokens, the cached TOKEN authorizer), 'allowed' (Bearer or DPoP) or 'required' (DPoP-bound tokens
 * with a proof only); the last two go through the REQUEST authorizer, on every request. For every
 * protected route at once: `export const routes = withDpop('allowed', { ... })`.
 */
import type { RouteTableInput } from './authorizer/route-table';

export const routes = {
  // The guide's other mode, "require authorization for all endpoints": make this 'authenticated'.
  'GET /api/hello': 'anonymous',
  'GET /api/whoami': { allOf: ['AccessAll'] },
  'GET /api/messages': { anyOf: ['ReadOnly', 'AccessAll'] },
  'POST /api/messages': { allOf: ['AccessAll'], dpop: 'required' },
} satisfies RouteTableInput;
