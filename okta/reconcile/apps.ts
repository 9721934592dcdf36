/** The apps: a service app per client (private_key_jwt), the browser app (PKCE). */
import type { OrgApp } from '../org';
import { list, type Run, sameSet } from './run';

export interface AppIds {
  /** Client IDs by app label. */
  clientIds: Map<string, string>;
  /** The private key file of each service client, by name. */
  keyFiles: Map<string, string>;
}

export const browserLabelOf = (prefix: string) => `${prefix}-browser-app`;

export async function reconcileApps(run: Run): Promise<AppIds> {
  const { org, target } = run;
  const apps = await org.findApps(`${target.prefix}-`);
  const clientIds = new Map<string, string>();
  const keyFiles = new Map<string, string>();
  for (const client of run.callers.clients) {
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
      const made = await run.change(
        {
          action: 'create',
          what: `service app ${label} (private_key_jwt${client.dpop ? ', DPoP required' : ''})`,
          details: [],
        },
        async () => {
          const key = await run.options.keys.create(client.name);
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
      await run.change({ action: 'update', what: `service app ${label}`, details }, () =>
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
    const existingKey = run.options.keys.existing(client.name);
    if (existingKey) keyFiles.set(client.name, existingKey);
  }
  await reconcileBrowserApp(run, apps, clientIds);
  return { clientIds, keyFiles };
}

async function reconcileBrowserApp(
  run: Run,
  apps: OrgApp[],
  clientIds: Map<string, string>,
): Promise<void> {
  const { org, target, callers } = run;
  const browserLabel = browserLabelOf(target.prefix);
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
      const made = await run.change(
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
        await run.change({ action: 'update', what: `browser app ${browserLabel}`, details }, () =>
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
}

export function clientIdOf(app: OrgApp): string {
  return String(app.credentials?.oauthClient?.client_id ?? app.id);
}
