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
 *
 * This module: the org's resources and Okta's error answers.
 */
import { randomBytes } from 'node:crypto';

export type Json = Record<string, unknown>;

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

export interface OrgState {
  servers: Server[];
  apps: App[];
  trustedOrigins: TrustedOrigin[];
  groups: Group[];
}

/** What the resource modules share: the state, and where its servers' issuers live. */
export interface Org {
  state: OrgState;
  orgUrl: string;
  issuerOf(id: string): string;
}

export class OktaError extends Error {
  constructor(
    readonly status: number,
    readonly body: Json,
  ) {
    super(String(body.errorSummary));
  }
}

export const notFound = (id: string, kind: string) =>
  new OktaError(404, {
    errorCode: 'E0000007',
    errorSummary: `Not found: Resource not found: ${id} (${kind})`,
    errorLink: 'E0000007',
    errorId: errorId(),
    errorCauses: [],
  });

/** Okta's 400 for a payload that fails validation: one cause per field. */
export const invalid = (...causes: string[]) =>
  new OktaError(400, {
    errorCode: 'E0000001',
    errorSummary: `Api validation failed: ${causes[0]?.split(':')[0]}`,
    errorLink: 'E0000001',
    errorId: errorId(),
    errorCauses: causes.map((errorSummary) => ({ errorSummary })),
  });

export function errorId(): string {
  return `oae${randomBytes(11).toString('base64url')}`;
}

/** Okta ids: a three-letter prefix and 17 more characters. */
export function oktaId(prefix: string): string {
  return `${prefix}${randomBytes(13).toString('base64url').replace(/[-_]/g, 'x').slice(0, 17)}`;
}

/** Inserts or moves `item` to `priority` (1-based; past the end means last) and renumbers 1..n. */
export function placeAt<T extends { priority: number }>(
  list: T[],
  item: T,
  priority: unknown,
): void {
  const index = list.indexOf(item);
  if (index >= 0) list.splice(index, 1);
  const wanted =
    typeof priority === 'number' && Number.isInteger(priority) && priority >= 1
      ? Math.min(priority, list.length + 1)
      : list.length + 1;
  list.splice(wanted - 1, 0, item);
  list.forEach((entry, i) => (entry.priority = i + 1));
}

export const now = () => new Date().toISOString();
export const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

export function tokenActions(): Json {
  return {
    accessTokenLifetimeMinutes: 60,
    refreshTokenLifetimeMinutes: 0,
    refreshTokenWindowMinutes: 10080,
  };
}
