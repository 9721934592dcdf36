/**
 * `npm run okta -- check`: a read-only audit of the authorization server the authorizer trusts
 * (OKTA_ISSUER), however it was set up. Each finding is one line with its fix. A `risk` would let
 * a client reach a route the table does not mean it to (a rule granting `*`, a policy for
 * ALL_CLIENTS, a managed client granted more than declared); a `problem` would make calls fail.
 */
import type { Callers } from '../route-table/callers';
import type { OrgApi, OrgServer } from './org';

export interface Finding {
  level: 'risk' | 'problem';
  text: string;
}

export interface CheckTarget {
  orgUrl: string;
  issuer: string;
  audience: string;
  corsOrigins: string[];
  /** `<service>-<stage>`: labels of the apps `apply` made, whose declared scopes are known. */
  prefix: string;
}

export async function checkOrg(
  org: OrgApi,
  callers: Callers,
  target: CheckTarget,
  fetchJson: (url: string) => Promise<unknown> = defaultFetchJson,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  const risk = (text: string) => findings.push({ level: 'risk', text });
  const problem = (text: string) => findings.push({ level: 'problem', text });

  // An issuer as the authorizer reads it (parseIssuers): https://<org>/oauth2/<id>.
  const issuer = new URL(target.issuer);
  const serverId = issuer.pathname.split('/')[2] as string;
  if (issuer.origin !== target.orgUrl) {
    problem(
      `OKTA_ISSUER is on ${issuer.origin} but OKTA_CLIENT_ORGURL is ${target.orgUrl}: check the org you audit.`,
    );
    return findings;
  }
  let server: OrgServer;
  try {
    server = await org.getServer(serverId);
  } catch {
    problem(
      `authorization server ${serverId} (OKTA_ISSUER) does not exist in ${target.orgUrl}: npm run okta -- apply creates one, or fix OKTA_ISSUER.`,
    );
    return findings;
  }
  const where = `authorization server ${server.name}`;
  if (!server.audiences.includes(target.audience)) {
    problem(
      `${where} has audience ${server.audiences.join(', ')}, not ${target.audience}: set OKTA_AUDIENCE to it, or change the server's audience.`,
    );
  }

  const scopes = await org.listScopes(server.id);
  for (const name of callers.scopes) {
    const scope = scopes.find((s) => s.name === name);
    if (!scope)
      problem(
        `scope ${name} is used by routes.ts but ${where} lacks it: npm run okta -- apply, or add it (Security > API > ${server.name} > Scopes).`,
      );
    else if (scope.consent === 'REQUIRED')
      problem(
        `scope ${name} on ${where} requires consent: client credentials requests for it fail; set its consent to Implicit.`,
      );
  }

  // Which declared client each managed app is, to see grants beyond the declaration.
  const declared = new Map<string, { name: string; scopes: string[] }>();
  for (const app of await org.findApps(`${target.prefix}-`)) {
    const client = callers.clients.find((c) => app.label === `${target.prefix}-${c.name}`);
    const clientId = String(app.credentials?.oauthClient?.client_id ?? app.id);
    if (client) declared.set(clientId, client);
  }
  for (const policy of await org.listPolicies(server.id)) {
    const clients = policy.conditions?.clients?.include ?? [];
    if (policy.status === 'INACTIVE') continue;
    if (clients.includes('ALL_CLIENTS')) {
      risk(
        `policy "${policy.name}" on ${where} applies to every client (ALL_CLIENTS): any app in the org can get what its rules grant; bind it to your clients (npm run okta -- apply makes one policy per client).`,
      );
    }
    for (const rule of await org.listRules(server.id, policy.id)) {
      if (rule.status === 'INACTIVE') continue;
      const granted = rule.conditions?.scopes?.include ?? [];
      if (granted.includes('*')) {
        risk(
          `rule "${rule.name}" of policy "${policy.name}" grants every scope (*): grant only the scopes each client needs (routes.ts callers).`,
        );
        continue;
      }
      for (const clientId of clients) {
        const client = declared.get(clientId);
        if (!client) continue;
        const extra = granted.filter(
          (s) => callers.scopes.includes(s) && !client.scopes.includes(s),
        );
        if (extra.length) {
          risk(
            `rule "${rule.name}" of policy "${policy.name}" grants ${extra.join(' ')} to ${client.name}, which routes.ts gives only ${client.scopes.join(' ')}: npm run okta -- apply narrows it.`,
          );
        }
      }
    }
  }

  const origins = await org.listTrustedOrigins();
  for (const origin of target.corsOrigins) {
    const found = origins.find((o) => o.origin === origin);
    if (!found?.scopes?.some((s) => s.type === 'CORS')) {
      problem(
        `CORS_ORIGINS has ${origin}, which is not a CORS Trusted Origin: browsers there cannot reach Okta; add it (Security > API > Trusted Origins) or npm run okta -- apply.`,
      );
    }
  }

  try {
    const discovery = (await fetchJson(
      `${target.issuer}/.well-known/oauth-authorization-server`,
    )) as {
      issuer?: string;
      jwks_uri?: string;
    };
    if (discovery.issuer !== target.issuer) {
      problem(
        `the discovery document names issuer ${String(discovery.issuer)}, not OKTA_ISSUER ${target.issuer}: tokens would be refused; copy the server's Issuer URI.`,
      );
    }
    const keys = (await fetchJson(String(discovery.jwks_uri))) as { keys?: unknown[] };
    if (!keys.keys?.length)
      problem(`${discovery.jwks_uri} publishes no keys: tokens cannot be verified.`);
  } catch (error) {
    problem(
      `the issuer's discovery document or keys cannot be read (${(error as Error).message}): check OKTA_ISSUER and the network.`,
    );
  }
  return findings;
}

async function defaultFetchJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return response.json();
}
