/**
 * Who calls the API, declared beside the routes (routes.ts `callers`): the service clients and the
 * scopes each may get, the browser app with the scopes each group of its users may get, and each
 * caller's limits (API Gateway usage plans: route-table/usage-plans.ts).
 * `npm run okta` makes a real Okta org match it; the local issuer (local/issuer.ts) serves the same
 * clients with the same scopes. Pure: no Okta SDK here.
 */
import { compileRouteTable, type RouteTableInput } from './compile';
import { isHttpsOrLoopback } from '../settings/okta';

/**
 * A caller's limits, as an API Gateway usage plan applies them: `rate` requests per second (the
 * token bucket's refill), `burst` requests at once (its size), and optionally a quota per period.
 */
export interface LimitsInput {
  rate: number;
  burst: number;
  quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH' };
}

export interface ServiceClientInput {
  /** The scopes this client may get, and no others. */
  scopes: readonly string[];
  /** Okta's "Require DPoP header in token requests": its tokens are bound to its key (RFC 9449). */
  dpop?: boolean;
  limits?: LimitsInput;
}

export interface BrowserAppInput {
  /** Sign-in redirect URIs (Okta: the app's sign-in redirect URIs). */
  redirectUris: readonly string[];
  /** Okta group name → the scopes its members may get; in priority order (first match wins). */
  people: Readonly<Record<string, readonly string[]>>;
  /** All its users together: API Gateway meters a caller (the app), not each person. */
  limits?: LimitsInput;
}

export interface CallersInput {
  /** Service clients (client credentials, private_key_jwt), by name: in priority order. */
  clients: Readonly<Record<string, ServiceClientInput>>;
  browserApp?: BrowserAppInput;
  /** Any valid token whose client is not declared above. */
  others?: { limits?: LimitsInput };
}

export interface Limits {
  rate: number;
  burst: number;
  quota?: { limit: number; period: 'DAY' | 'WEEK' | 'MONTH' };
}

export interface ServiceClient {
  name: string;
  scopes: string[];
  dpop: boolean;
  limits?: Limits;
}

/** The browser app's name among the callers (CALLER_CLIENT_IDS, logs, usage plans). */
export const BROWSER_APP = 'browser-app';
/** The name of every other valid token's caller. */
export const OTHERS = 'others';

export interface Callers {
  clients: ServiceClient[];
  browserApp?: {
    redirectUris: string[];
    people: { group: string; scopes: string[] }[];
    limits?: Limits;
  };
  othersLimits?: Limits;
  /** Every scope the route table names: the authorization server's scopes. */
  scopes: string[];
}

export class CallersError extends Error {
  override name = 'CallersError';
}

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** Checks the declaration against the route table: every scope a caller gets is one a route uses. */
export function compileCallers(input: CallersInput, routes: RouteTableInput): Callers {
  const scopes = compileRouteTable(routes).scopes;
  const known = (where: string, list: readonly string[]) => {
    if (list.length === 0) throw new CallersError(`${where} gets no scope: give it at least one.`);
    for (const scope of list) {
      if (!scopes.includes(scope)) {
        throw new CallersError(
          `${where} gets ${JSON.stringify(scope)}, which no route in routes.ts uses (its scopes: ${scopes.join(', ')}).`,
        );
      }
    }
    return [...new Set(list)];
  };
  const clients = Object.entries(input.clients).map(([name, client]) => {
    if (!NAME.test(name)) {
      throw new CallersError(
        `callers.clients has ${JSON.stringify(name)}: a client name is lower case letters, digits and dashes (at most 40), starting with a letter.`,
      );
    }
    if (name === BROWSER_APP || name === OTHERS) {
      throw new CallersError(
        `callers.clients has ${JSON.stringify(name)}, the name of another kind of caller: name the client otherwise.`,
      );
    }
    return {
      name,
      scopes: known(`callers.clients.${name}`, client.scopes),
      dpop: !!client.dpop,
      ...withLimits(`callers.clients.${name}`, client.limits),
    };
  });
  const app = input.browserApp;
  let browserApp: Callers['browserApp'];
  if (app) {
    if (app.redirectUris.length === 0) {
      throw new CallersError(
        'callers.browserApp.redirectUris is empty: list its sign-in redirect URIs.',
      );
    }
    for (const uri of app.redirectUris) {
      let url: URL;
      try {
        url = new URL(uri);
      } catch {
        throw new CallersError(
          `callers.browserApp.redirectUris has ${JSON.stringify(uri)}, which is not a URL.`,
        );
      }
      if (!isHttpsOrLoopback(url)) {
        throw new CallersError(
          `callers.browserApp.redirectUris has ${JSON.stringify(uri)}: use https (http only for localhost).`,
        );
      }
    }
    browserApp = {
      redirectUris: [...app.redirectUris],
      people: Object.entries(app.people).map(([group, list]) => ({
        group,
        scopes: known(`callers.browserApp.people[${JSON.stringify(group)}]`, list),
      })),
      ...withLimits('callers.browserApp', app.limits),
    };
  }
  const othersLimits = withLimits('callers.others', input.others?.limits).limits;
  const limited = [...clients, ...(browserApp ? [browserApp] : [])].some((c) => c.limits);
  if (limited && !othersLimits) {
    throw new CallersError(
      'callers.others.limits is missing: with limits on some callers, every other valid token needs a plan too (API Gateway refuses a token without one). Add others: { limits: { rate, burst } }.',
    );
  }
  return { clients, browserApp, scopes, ...(othersLimits && { othersLimits }) };
}

const PERIODS = ['DAY', 'WEEK', 'MONTH'];

/** `{ limits }` when declared and valid; `{}` when not declared. */
function withLimits(where: string, input: LimitsInput | undefined): { limits?: Limits } {
  if (input === undefined) return {};
  const count = (name: string, value: unknown) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new CallersError(
        `${where}.limits.${name} is ${JSON.stringify(value)}: give a whole number from 1.`,
      );
    }
    return value;
  };
  const limits: Limits = { rate: count('rate', input.rate), burst: count('burst', input.burst) };
  if (input.quota !== undefined) {
    if (!PERIODS.includes(input.quota.period)) {
      throw new CallersError(
        `${where}.limits.quota.period is ${JSON.stringify(input.quota.period)}: use 'DAY', 'WEEK' or 'MONTH'.`,
      );
    }
    limits.quota = { limit: count('quota.limit', input.quota.limit), period: input.quota.period };
  }
  return { limits };
}

/** The browser app's origins (for Trusted Origins), from its redirect URIs. */
export function browserOrigins(callers: Callers): string[] {
  return [...new Set((callers.browserApp?.redirectUris ?? []).map((uri) => new URL(uri).origin))];
}
