/**
 * Makes an Okta org match routes.ts (`plan` lists what `apply` does; `apply` does it). It walks the
 * resources in the order they depend on each other: the authorization server, its scopes, the
 * apps (their client IDs), one access policy per service client and one for the browser app with
 * their rules, then Trusted Origins. Its own resources are found again by name or label (the
 * service and stage prefix), never by a local state file; it never deletes anything, and never
 * changes what it did not create: those only show as notes.
 */
import type { Callers } from '../route-table/callers';
import type { AppKeys } from './keys';
import type { Json, OrgApi, OrgApp, OrgPolicy, OrgRule, OrgServer } from './org';

export interface OrgTarget {
  /** `<service>-<stage>`: the authorization server's name and every label's prefix. */
  prefix: string;
  audience: string;
  /** CORS_ORIGINS (not `*`) and the browser app's origins. */
  corsOrigins: string[];
  redirectOrigins: string[];
}

export interface Change {
  action: 'create' | 'update';
  /** What, in words: `scope AccessAll`, `rule "client credentials" of policy "client reporting-job"`. */
  what: string;
  /** For updates: each setting that differs, `name: now → wanted`. */
  details: string[];
}

export interface Outcome {
  changes: Change[];
  /** Things it will not touch: resources it did not create that get in the way. */
  notes: string[];
  /** Set after apply, or when everything exists already. */
  settings?: DeploySettings;
}

export interface DeploySettings {
  issuer: string;
  audience: string;
  clients: { name: string; clientId: string; dpop: boolean; keyFile?: string }[];
  browserClientId?: string;
}

/** Client credentials rules name no one in particular: Okta's literal for every user. */
const EVERYONE = 'EVERYONE';
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];
const MANAGED = 'Managed by npm run okta from routes.ts: changes made here are undone by apply.';

const sameSet = (a: readonly string[] = [], b: readonly string[] = []) =>
  a.length === b.length && a.every((x) => b.includes(x)) && b.every((x) => a.includes(x));
const list = (values: readonly string[] | undefined) =>
  values?.length ? values.join(' ') : '(none)';

interface WantedPolicy {
  name: string;
  /** The app label whose client is the policy's only client. */
  appLabel: string;
  rules: { name: string; grantTypes: string[]; scopes: string[]; groups: string[] }[];
}

export async function reconcile(
  org: OrgApi,
  callers: Callers,
  target: OrgTarget,
  options: { apply: boolean; keys: AppKeys; log?: (line: string) => void },
): Promise<Outcome> {
  const changes: Change[] = [];
  const notes: string[] = [];
  const log = options.log ?? (() => undefined);
  /** Records a change; under apply, makes it and says so. */
  const change = async <T>(c: Change, make: () => Promise<T>): Promise<T | undefined> => {
    changes.push(c);
    if (!options.apply) return undefined;
    const made = await make();
    log(`${c.action === 'create' ? '+ created' : '~ updated'} ${c.what}`);
    return made;
  };

  // The authorization server.
  const serverBody = (current?: OrgServer): Json => ({
    ...(current ?? {}),
    name: target.prefix,
    description: MANAGED,
    audiences: [target.audience],
  });
  let server = await org.findServer(target.prefix);
  if (!server) {
    server = await change(
      {
        action: 'create',
        what: `authorization server ${target.prefix} (audience ${target.audience})`,
        details: [],
      },
      () => org.createServer(serverBody()),
    );
  } else if (!sameSet(server.audiences, [target.audience])) {
    const current = server;
    server =
      (await change(
        {
          action: 'update',
          what: `authorization server ${target.prefix}`,
          details: [`audiences: ${list(current.audiences)} → ${target.audience}`],
        },
        () => org.updateServer(current.id, serverBody(current)),
      )) ?? server;
  }

  // Its scopes: the table's, consent IMPLICIT (client credentials cannot consent).
  const scopes = server ? await org.listScopes(server.id) : [];
  for (const name of callers.scopes) {
    const found = scopes.find((s) => s.name === name);
    const body = (current?: Json): Json => ({
      ...(current ?? {}),
      name,
      description: current?.description ?? `Used by routes.ts. ${MANAGED}`,
      consent: 'IMPLICIT',
      metadataPublish: current?.metadataPublish ?? 'NO_CLIENTS',
    });
    if (!found) {
      await change(
        { action: 'create', what: `scope ${name} (consent IMPLICIT)`, details: [] },
        () => org.createScope((server as OrgServer).id, body()),
      );
    } else if (found.consent !== 'IMPLICIT') {
      await change(
        {
          action: 'update',
          what: `scope ${name}`,
          details: [`consent: ${found.consent} → IMPLICIT`],
        },
        () => org.updateScope((server as OrgServer).id, found.id, body(found)),
      );
    }
  }

  // The apps: a service app per client (private_key_jwt), the browser app (PKCE).
  const apps = await org.findApps(`${target.prefix}-`);
  const clientIds = new Map<string, string>();
  const keyFiles = new Map<string, string>();
  for (const client of callers.clients) {
    const label = `${target.prefix}-${client.name}`;
    const found = apps.find((a) => a.label === label);
    const oauthClient = {
      application_type: 'service',
      grant_types: ['client_credentials'],
      response_types: ['token'],
      dpop_bound_access_tokens: client.dpop,
    };
    const credentials = {
      oauthClient: { token_endpoint_auth_method: 'private_key_jwt', autoKeyRotation: true },
    };
    if (!found) {
      const made = await change(
        {
          action: 'create',
          what: `service app ${label} (private_key_jwt${client.dpop ? ', DPoP required' : ''})`,
          details: [],
        },
        async () => {
          const key = await options.keys.create(client.name);
          const app = await org.createApp({
            name: 'oidc_client',
            label,
            signOnMode: 'OPENID_CONNECT',
            credentials,
            settings: { oauthClient: { ...oauthClient, jwks: { keys: [key.publicJwk] } } },
          });
          keyFiles.set(client.name, await key.save());
          return app;
        },
      );
      if (made) clientIds.set(label, clientIdOf(made));
      continue;
    }
    clientIds.set(label, clientIdOf(found));
    const current = found.settings?.oauthClient ?? {};
    const details: string[] = [];
    if (!sameSet(current.grant_types as string[], oauthClient.grant_types))
      details.push(`grant types: ${list(current.grant_types as string[])} → client_credentials`);
    if (Boolean(current.dpop_bound_access_tokens) !== client.dpop)
      details.push(`DPoP required: ${Boolean(current.dpop_bound_access_tokens)} → ${client.dpop}`);
    const method = found.credentials?.oauthClient?.token_endpoint_auth_method;
    if (method !== 'private_key_jwt')
      details.push(`client authentication: ${String(method)} → private_key_jwt`);
    if (details.length) {
      await change({ action: 'update', what: `service app ${label}`, details }, () =>
        org.updateApp(found.id, {
          ...found,
          credentials: {
            ...found.credentials,
            oauthClient: { ...found.credentials?.oauthClient, ...credentials.oauthClient },
          },
          settings: { ...found.settings, oauthClient: { ...current, ...oauthClient } },
        }),
      );
    }
    const existingKey = options.keys.existing(client.name);
    if (existingKey) keyFiles.set(client.name, existingKey);
  }
  const browserLabel = `${target.prefix}-browser-app`;
  if (callers.browserApp) {
    const app = callers.browserApp;
    const found = apps.find((a) => a.label === browserLabel);
    const oauthClient = {
      application_type: 'browser',
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      redirect_uris: app.redirectUris,
      post_logout_redirect_uris: [...new Set(app.redirectUris.map((uri) => new URL(uri).origin))],
    };
    const credentials = {
      oauthClient: { token_endpoint_auth_method: 'none', pkce_required: true },
    };
    if (!found) {
      const made = await change(
        {
          action: 'create',
          what: `browser app ${browserLabel} (PKCE, ${app.redirectUris.join(', ')})`,
          details: [],
        },
        () =>
          org.createApp({
            name: 'oidc_client',
            label: browserLabel,
            signOnMode: 'OPENID_CONNECT',
            credentials,
            settings: { oauthClient },
          }),
      );
      if (made) clientIds.set(browserLabel, clientIdOf(made));
    } else {
      clientIds.set(browserLabel, clientIdOf(found));
      const current = found.settings?.oauthClient ?? {};
      const details: string[] = [];
      if (!sameSet(current.redirect_uris as string[], app.redirectUris))
        details.push(
          `redirect URIs: ${list(current.redirect_uris as string[])} → ${list(app.redirectUris)}`,
        );
      if (!sameSet(current.grant_types as string[], oauthClient.grant_types))
        details.push(
          `grant types: ${list(current.grant_types as string[])} → ${list(oauthClient.grant_types)}`,
        );
      const creds = found.credentials?.oauthClient ?? {};
      if (creds.token_endpoint_auth_method !== 'none' || creds.pkce_required !== true)
        details.push(
          `client authentication: ${String(creds.token_endpoint_auth_method)} → none with PKCE`,
        );
      if (details.length) {
        await change({ action: 'update', what: `browser app ${browserLabel}`, details }, () =>
          org.updateApp(found.id, {
            ...found,
            credentials: {
              ...found.credentials,
              oauthClient: { ...creds, ...credentials.oauthClient },
            },
            settings: { ...found.settings, oauthClient: { ...current, ...oauthClient } },
          }),
        );
      }
    }
  }

  // Access policies: one per service client (Okta's rules cannot tell clients apart), one for the
  // browser app with a rule per group; never ALL_CLIENTS, never `*`.
  const groupIds = new Map<string, string>();
  for (const { group } of callers.browserApp?.people ?? []) {
    const found = await org.findGroup(group);
    if (found) groupIds.set(group, found.id);
    else
      notes.push(
        `group "${group}" (routes.ts callers.browserApp.people) does not exist: create it in the Admin Console (Directory > Groups), then apply again; its rule is left out until then.`,
      );
  }
  const wanted: WantedPolicy[] = [
    ...callers.clients.map((client) => ({
      name: `client ${client.name}`,
      appLabel: `${target.prefix}-${client.name}`,
      rules: [
        {
          name: 'client credentials',
          grantTypes: ['client_credentials'],
          scopes: client.scopes,
          groups: [EVERYONE],
        },
      ],
    })),
    ...(callers.browserApp
      ? [
          {
            name: 'browser app',
            appLabel: browserLabel,
            rules: callers.browserApp.people
              .filter(({ group }) => groupIds.has(group))
              .map(({ group, scopes }) => ({
                name: `group ${group}`,
                grantTypes: ['authorization_code'],
                scopes: [...OIDC_SCOPES, ...scopes],
                groups: [groupIds.get(group) as string],
              })),
          },
        ]
      : []),
  ];
  const policies = server ? await org.listPolicies(server.id) : [];
  const ours = new Set(wanted.map((w) => w.name));
  for (const other of policies.filter((p) => !ours.has(p.name))) {
    notes.push(
      `policy "${other.name}" on ${target.prefix} was not made by this tool: left as it is (npm run okta -- check audits it).`,
    );
  }
  // Priorities: only when our policies are out of the declared order; Okta renumbers the rest.
  const present = wanted
    .map((w) => policies.find((p) => p.name === w.name))
    .filter((p): p is OrgPolicy => !!p);
  const inOrder = present.every(
    (p, i) => i === 0 || (present[i - 1] as OrgPolicy).priority < p.priority,
  );
  for (const [index, w] of wanted.entries()) {
    const clientId = clientIds.get(w.appLabel) ?? `(client ID of ${w.appLabel})`;
    const found = policies.find((p) => p.name === w.name);
    const body = (current?: OrgPolicy): Json => ({
      ...(current ?? {}),
      type: 'OAUTH_AUTHORIZATION_POLICY',
      status: 'ACTIVE',
      name: w.name,
      description: MANAGED,
      priority: index + 1,
      conditions: { clients: { include: [clientId] } },
    });
    let policy: OrgPolicy | undefined = found;
    if (!found) {
      policy = await change(
        {
          action: 'create',
          what: `policy "${w.name}" (only client ${w.appLabel}, priority ${index + 1})`,
          details: [],
        },
        () => org.createPolicy((server as OrgServer).id, body()),
      );
    } else {
      const details: string[] = [];
      if (!sameSet(found.conditions?.clients?.include, [clientId]))
        details.push(`clients: ${list(found.conditions?.clients?.include)} → ${clientId}`);
      const move = !inOrder && found.priority !== index + 1;
      if (move) details.push(`priority: ${found.priority} → ${index + 1}`);
      if (details.length) {
        policy =
          (await change({ action: 'update', what: `policy "${w.name}"`, details }, () =>
            org.updatePolicy((server as OrgServer).id, found.id, {
              ...body(found),
              priority: move ? index + 1 : found.priority,
            }),
          )) ?? found;
      }
    }
    await reconcileRules(w, policy);
  }

  async function reconcileRules(w: WantedPolicy, policy: OrgPolicy | undefined): Promise<void> {
    const rules = policy && server ? await org.listRules(server.id, policy.id) : [];
    const names = new Set(w.rules.map((r) => r.name));
    for (const other of rules.filter((r) => !names.has(r.name))) {
      notes.push(
        `rule "${other.name}" of policy "${w.name}" was not made by this tool: left as it is (npm run okta -- check audits it).`,
      );
    }
    const present = w.rules
      .map((r) => rules.find((x) => x.name === r.name))
      .filter((r): r is OrgRule => !!r);
    const inOrder = present.every(
      (r, i) => i === 0 || (present[i - 1] as OrgRule).priority < r.priority,
    );
    for (const [index, r] of w.rules.entries()) {
      const found = rules.find((x) => x.name === r.name);
      const body = (current?: OrgRule): Json => ({
        ...(current ?? {}),
        type: 'RESOURCE_ACCESS',
        status: 'ACTIVE',
        name: r.name,
        priority: index + 1,
        conditions: {
          people: { groups: { include: r.groups } },
          grantTypes: { include: r.grantTypes },
          scopes: { include: r.scopes },
        },
        actions: current?.actions ?? {
          token: {
            accessTokenLifetimeMinutes: 60,
            refreshTokenLifetimeMinutes: 0,
            refreshTokenWindowMinutes: 10080,
          },
        },
      });
      const what = `rule "${r.name}" of policy "${w.name}"`;
      if (!found) {
        await change(
          {
            action: 'create',
            what: `${what} (${r.grantTypes.join(', ')}: ${r.scopes.join(' ')})`,
            details: [],
          },
          () => org.createRule((server as OrgServer).id, (policy as OrgPolicy).id, body()),
        );
        continue;
      }
      const c = found.conditions ?? {};
      const details: string[] = [];
      if (!sameSet(c.scopes?.include, r.scopes))
        details.push(`scopes: ${list(c.scopes?.include)} → ${list(r.scopes)}`);
      if (!sameSet(c.grantTypes?.include, r.grantTypes))
        details.push(`grant types: ${list(c.grantTypes?.include)} → ${list(r.grantTypes)}`);
      if (!sameSet(c.people?.groups?.include, r.groups) || c.people?.users?.include?.length)
        details.push(`people: ${list(c.people?.groups?.include)} → ${list(r.groups)}`);
      const move = !inOrder && found.priority !== index + 1;
      if (move) details.push(`priority: ${found.priority} → ${index + 1}`);
      if (details.length) {
        await change({ action: 'update', what, details }, () =>
          org.updateRule((server as OrgServer).id, (policy as OrgPolicy).id, found.id, {
            ...body(found),
            priority: move ? index + 1 : found.priority,
          }),
        );
      }
    }
  }

  // Trusted Origins: CORS for the API's origins, CORS and redirect for the browser app's.
  const origins = await org.listTrustedOrigins();
  const wantedOrigins = new Map<string, string[]>();
  for (const origin of target.corsOrigins) wantedOrigins.set(origin, ['CORS']);
  for (const origin of target.redirectOrigins) wantedOrigins.set(origin, ['CORS', 'REDIRECT']);
  for (const [origin, types] of wantedOrigins) {
    const name = `${target.prefix} ${origin}`;
    const found = origins.find((o) => o.origin === origin);
    const has = found?.scopes?.map((s) => s.type) ?? [];
    if (!found) {
      await change(
        { action: 'create', what: `trusted origin ${origin} (${types.join(', ')})`, details: [] },
        () => org.createTrustedOrigin({ name, origin, scopes: types.map((type) => ({ type })) }),
      );
    } else if (!types.every((t) => has.includes(t))) {
      if (found.name !== name) {
        notes.push(
          `trusted origin ${origin} ("${found.name}") lacks ${types.filter((t) => !has.includes(t)).join(', ')} and was not made by this tool: add it in the Admin Console (Security > API > Trusted Origins).`,
        );
        continue;
      }
      const all = [...new Set([...has, ...types])];
      await change(
        {
          action: 'update',
          what: `trusted origin ${origin}`,
          details: [`types: ${list(has)} → ${list(all)}`],
        },
        () =>
          org.updateTrustedOrigin(found.id, { ...found, scopes: all.map((type) => ({ type })) }),
      );
    }
  }

  const ready = server && callers.clients.every((c) => clientIds.has(`${target.prefix}-${c.name}`));
  return {
    changes,
    notes,
    settings: ready
      ? {
          issuer: server?.issuer ?? '',
          audience: target.audience,
          clients: callers.clients.map((c) => ({
            name: c.name,
            clientId: clientIds.get(`${target.prefix}-${c.name}`) as string,
            dpop: c.dpop,
            keyFile: keyFiles.get(c.name),
          })),
          browserClientId: clientIds.get(browserLabel),
        }
      : undefined,
  };
}

function clientIdOf(app: OrgApp): string {
  return String(app.credentials?.oauthClient?.client_id ?? app.id);
}
