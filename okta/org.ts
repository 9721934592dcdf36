/**
 * The management API calls `npm run okta` makes, through Okta's SDK, as plain JSON: what the
 * reconciler and the audit read and write. Each call is one of Okta's published endpoints.
 */
import type { Client } from '@okta/okta-sdk-nodejs';

export type Json = Record<string, unknown>;

export interface OrgServer extends Json {
  id: string;
  name: string;
  audiences: string[];
  issuer?: string;
}
export interface OrgScope extends Json {
  id: string;
  name: string;
  consent?: string;
}
export interface OrgPolicy extends Json {
  id: string;
  name: string;
  priority: number;
  conditions?: { clients?: { include?: string[] } };
}
export interface OrgRule extends Json {
  id: string;
  name: string;
  priority: number;
  conditions?: {
    grantTypes?: { include?: string[] };
    scopes?: { include?: string[] };
    people?: { groups?: { include?: string[] }; users?: { include?: string[] } };
  };
}
export interface OrgApp extends Json {
  id: string;
  label: string;
  credentials?: { oauthClient?: Json & { client_id?: string } };
  settings?: { oauthClient?: Json };
}
export interface OrgTrustedOrigin extends Json {
  id: string;
  name: string;
  origin: string;
  scopes?: { type: string }[];
}

/** Plain JSON from the SDK's models (which carry their API names), without undefined members. */
const plain = <T>(value: unknown): T => JSON.parse(JSON.stringify(value)) as T;

/** Okta's read-only members (dates, links): a body sent back without them, as the SDK wants dates typed. */
const READ_ONLY = new Set([
  'created',
  'lastUpdated',
  'lastRotated',
  'nextRotation',
  '_links',
  '_embedded',
]);
function writable(body: Json): never {
  return JSON.parse(JSON.stringify(body), (key, value: unknown) =>
    READ_ONLY.has(key) ? undefined : value,
  ) as never;
}

async function all<T>(collection: Promise<AsyncIterable<unknown>>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of await collection) items.push(plain<T>(item));
  return items;
}

export class OrgApi {
  constructor(private readonly client: Client) {}

  private get servers() {
    return this.client.authorizationServerApi;
  }

  /** The authorization server with exactly this name (the list is searched by prefix). */
  async findServer(name: string): Promise<OrgServer | undefined> {
    return (await all<OrgServer>(this.servers.listAuthorizationServers({ q: name }))).find(
      (s) => s.name === name,
    );
  }
  async getServer(id: string): Promise<OrgServer> {
    return plain(await this.servers.getAuthorizationServer({ authServerId: id }));
  }
  async createServer(body: Json): Promise<OrgServer> {
    return plain(
      await this.servers.createAuthorizationServer({ authorizationServer: writable(body) }),
    );
  }
  async updateServer(id: string, body: Json): Promise<OrgServer> {
    return plain(
      await this.servers.replaceAuthorizationServer({
        authServerId: id,
        authorizationServer: writable(body),
      }),
    );
  }
  listScopes(serverId: string): Promise<OrgScope[]> {
    return all(this.servers.listOAuth2Scopes({ authServerId: serverId }));
  }
  async createScope(serverId: string, body: Json): Promise<OrgScope> {
    return plain(
      await this.servers.createOAuth2Scope({ authServerId: serverId, oAuth2Scope: writable(body) }),
    );
  }
  async updateScope(serverId: string, id: string, body: Json): Promise<OrgScope> {
    return plain(
      await this.servers.replaceOAuth2Scope({
        authServerId: serverId,
        scopeId: id,
        oAuth2Scope: writable(body),
      }),
    );
  }
  listPolicies(serverId: string): Promise<OrgPolicy[]> {
    return all(this.servers.listAuthorizationServerPolicies({ authServerId: serverId }));
  }
  async createPolicy(serverId: string, body: Json): Promise<OrgPolicy> {
    return plain(
      await this.servers.createAuthorizationServerPolicy({
        authServerId: serverId,
        policy: writable(body),
      }),
    );
  }
  async updatePolicy(serverId: string, id: string, body: Json): Promise<OrgPolicy> {
    return plain(
      await this.servers.replaceAuthorizationServerPolicy({
        authServerId: serverId,
        policyId: id,
        policy: writable(body),
      }),
    );
  }
  listRules(serverId: string, policyId: string): Promise<OrgRule[]> {
    return all(
      this.servers.listAuthorizationServerPolicyRules({ authServerId: serverId, policyId }),
    );
  }
  async createRule(serverId: string, policyId: string, body: Json): Promise<OrgRule> {
    return plain(
      await this.servers.createAuthorizationServerPolicyRule({
        authServerId: serverId,
        policyId,
        policyRule: writable(body),
      }),
    );
  }
  async updateRule(serverId: string, policyId: string, id: string, body: Json): Promise<OrgRule> {
    return plain(
      await this.servers.replaceAuthorizationServerPolicyRule({
        authServerId: serverId,
        policyId,
        ruleId: id,
        policyRule: writable(body),
      }),
    );
  }
  /** Apps whose label starts with `prefix` (Okta's `q` searches labels by prefix). */
  findApps(prefix: string): Promise<OrgApp[]> {
    return all(this.client.applicationApi.listApplications({ q: prefix }));
  }
  async createApp(body: Json): Promise<OrgApp> {
    return plain(
      await this.client.applicationApi.createApplication({ application: writable(body) }),
    );
  }
  async updateApp(id: string, body: Json): Promise<OrgApp> {
    return plain(
      await this.client.applicationApi.replaceApplication({
        appId: id,
        application: writable(body),
      }),
    );
  }
  listTrustedOrigins(): Promise<OrgTrustedOrigin[]> {
    return all(this.client.trustedOriginApi.listTrustedOrigins({}));
  }
  async createTrustedOrigin(body: Json): Promise<OrgTrustedOrigin> {
    return plain(
      await this.client.trustedOriginApi.createTrustedOrigin({ trustedOrigin: writable(body) }),
    );
  }
  async updateTrustedOrigin(id: string, body: Json): Promise<OrgTrustedOrigin> {
    return plain(
      await this.client.trustedOriginApi.replaceTrustedOrigin({
        trustedOriginId: id,
        trustedOrigin: writable(body),
      }),
    );
  }
  /** The group with exactly this name, if any (searched by prefix). */
  async findGroup(name: string): Promise<{ id: string } | undefined> {
    const groups = await all<{ id: string; profile?: { name?: string } }>(
      this.client.groupApi.listGroups({ q: name }),
    );
    return groups.find((g) => g.profile?.name === name);
  }
}
