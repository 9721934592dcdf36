/**
 * Access policies: one per service client (Okta's rules cannot tell clients apart), one for the
 * browser app with a rule per group; never ALL_CLIENTS, never `*`.
 */
import type { Json, OrgPolicy, OrgRule, OrgServer } from '../org';
import { type AppIds, browserLabelOf } from './apps';
import { list, MANAGED, type Run, sameSet } from './run';

/** Client credentials rules name no one in particular: Okta's literal for every user. */
const EVERYONE = 'EVERYONE';
const OIDC_SCOPES = ['openid', 'profile', 'email', 'offline_access'];

interface WantedPolicy {
  name: string;
  /** The app label whose client is the policy's only client. */
  appLabel: string;
  rules: { name: string; grantTypes: string[]; scopes: string[]; groups: string[] }[];
}

export async function reconcilePolicies(
  run: Run,
  server: OrgServer | undefined,
  { clientIds }: AppIds,
): Promise<void> {
  const { org, target, callers } = run;
  const browserLabel = browserLabelOf(target.prefix);
  const groupIds = new Map<string, string>();
  for (const { group } of callers.browserApp?.people ?? []) {
    const found = await org.findGroup(group);
    if (found) groupIds.set(group, found.id);
    else
      run.notes.push(
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
    run.notes.push(
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
      policy = await run.change(
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
          (await run.change({ action: 'update', what: `policy "${w.name}"`, details }, () =>
            org.updatePolicy((server as OrgServer).id, found.id, {
              ...body(found),
              priority: move ? index + 1 : found.priority,
            }),
          )) ?? found;
      }
    }
    await reconcileRules(run, server, w, policy);
  }
}

async function reconcileRules(
  run: Run,
  server: OrgServer | undefined,
  w: WantedPolicy,
  policy: OrgPolicy | undefined,
): Promise<void> {
  const { org } = run;
  const rules = policy && server ? await org.listRules(server.id, policy.id) : [];
  const names = new Set(w.rules.map((r) => r.name));
  for (const other of rules.filter((r) => !names.has(r.name))) {
    run.notes.push(
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
      await run.change(
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
      await run.change({ action: 'update', what, details }, () =>
        org.updateRule((server as OrgServer).id, (policy as OrgPolicy).id, found.id, {
          ...body(found),
          priority: move ? index + 1 : found.priority,
        }),
      );
    }
  }
}
