/** The management API's routes (/api/v1/...), to the resource modules. */
import { createApp, showApp, updateApp } from './apps';
import { clone, type Json, notFound, type Org, OktaError, errorId } from './model';
import { saveOrigin } from './origins';
import { policies } from './policies';
import { createServer_, scopes, showServer, updateServer } from './servers';

export function route(
  org: Org,
  method: string,
  parts: string[],
  body: Json,
  url: URL,
): [number, unknown] {
  const q = url.searchParams.get('q')?.toLowerCase();
  const [collection, id, sub, subId, leaf, leafId] = parts;
  if (collection === 'groups' && method === 'GET' && !id) {
    return [200, org.state.groups.filter((g) => !q || g.profile.name.toLowerCase().startsWith(q))];
  }
  if (collection === 'authorizationServers') {
    if (!id) {
      if (method === 'GET')
        return [
          200,
          org.state.servers
            .filter(
              (s) =>
                !q ||
                s.name.toLowerCase().startsWith(q) ||
                s.audiences.some((a) => a.toLowerCase().startsWith(q)),
            )
            .map(showServer),
        ];
      if (method === 'POST') return [201, showServer(createServer_(org, body))];
    }
    const found = org.state.servers.find((s) => s.id === id);
    if (!found) throw notFound(String(id), 'AuthorizationServer');
    if (!sub) {
      if (method === 'GET') return [200, showServer(found)];
      if (method === 'PUT') return [200, showServer(updateServer(found, body))];
    }
    if (sub === 'scopes') return scopes(found, method, subId, body);
    if (sub === 'policies') return policies(org, found, method, subId, leaf, leafId, body);
  }
  if (collection === 'apps') {
    if (!id) {
      if (method === 'GET')
        return [
          200,
          org.state.apps.filter((a) => !q || a.label.toLowerCase().startsWith(q)).map(showApp),
        ];
      if (method === 'POST') {
        const app = createApp(org, body);
        // The secret is in this answer only.
        return [200, { ...showApp(app), credentials: clone(app.credentials) }];
      }
    }
    const app = org.state.apps.find((a) => a.id === id);
    if (!app) throw notFound(String(id), 'AppInstance');
    if (method === 'GET') return [200, showApp(app)];
    if (method === 'PUT') return [200, showApp(updateApp(org, app, body))];
  }
  if (collection === 'trustedOrigins') {
    if (!id) {
      if (method === 'GET')
        return [
          200,
          org.state.trustedOrigins.filter(
            (o) => !q || o.name.toLowerCase().startsWith(q) || o.origin.toLowerCase().startsWith(q),
          ),
        ];
      if (method === 'POST') return [200, saveOrigin(org, undefined, body)];
    }
    const origin = org.state.trustedOrigins.find((o) => o.id === id);
    if (!origin) throw notFound(String(id), 'TrustedOrigin');
    if (method === 'GET') return [200, origin];
    if (method === 'PUT') return [200, saveOrigin(org, origin, body)];
  }
  throw new OktaError(405, {
    errorCode: 'E0000022',
    errorSummary: 'The endpoint does not support the provided HTTP method',
    errorLink: 'E0000022',
    errorId: errorId(),
    errorCauses: [],
  });
}
