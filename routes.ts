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
import type { RouteTableInput } from './route-table/compile';
import type { CallersInput } from './route-table/callers';

export const routes = {
  // The guide's other mode, "require authorization for all endpoints": make this 'authenticated'.
  'GET /api/hello': 'anonymous',
  'GET /api/whoami': { allOf: ['AccessAll'] },
  'GET /api/messages': { anyOf: ['ReadOnly', 'AccessAll'] },
  'POST /api/messages': { allOf: ['AccessAll'], dpop: 'required' },
} satisfies RouteTableInput;

/**
 * Who calls the API, and which of the table's scopes each may get: `npm run okta -- plan | apply`
 * makes a real Okta org match (one access policy per client, never ALL_CLIENTS or `*`), and the
 * local issuer serves the same clients with the same scopes. Clients and groups in priority order.
 *
 * `limits` (optional): each caller's own API Gateway usage plan, so one caller cannot use up what
 * the others need: `rate` requests per second, `burst` at once, and a `quota` per DAY, WEEK or
 * MONTH. The browser app's are for all its users together. `others` is any other valid token.
 * Neither rate nor burst may exceed the stage's (API_THROTTLE_RATE, API_THROTTLE_BURST).
 */
export const callers = {
  clients: {
    // A reporting job: reads only.
    'reporting-job': {
      scopes: ['ReadOnly'],
      limits: { rate: 10, burst: 20, quota: { limit: 50_000, period: 'DAY' } },
    },
    // An admin tool: everything, with DPoP-bound tokens.
    'admin-tool': { scopes: ['AccessAll'], dpop: true, limits: { rate: 5, burst: 10 } },
  },
  browserApp: {
    // The demo app (npm start serves it on SPA_PORT).
    redirectUris: ['http://localhost:8080/login/callback'],
    // Okta groups: members of "API Admins" may get AccessAll; everyone else ReadOnly.
    people: { 'API Admins': ['AccessAll', 'ReadOnly'], Everyone: ['ReadOnly'] },
    limits: { rate: 50, burst: 100 },
  },
  // Any other valid token: a client made by hand in Okta, the local issuer's dev clients.
  others: { limits: { rate: 25, burst: 50 } },
} satisfies CallersInput;
