/** The stand-in's authorization servers and their scopes. */
import {
  clone,
  invalid,
  type Json,
  notFound,
  now,
  oktaId,
  type Org,
  type Scope,
  type Server,
} from './model';

export function showServer(s: Server): Json {
  const { scopes: _scopes, policies: _policies, ...shown } = s;
  return clone(shown);
}

export function createServer_(org: Org, body: Json): Server {
  const name = body.name;
  const audiences = body.audiences;
  const causes: string[] = [];
  if (typeof name !== 'string' || !name.trim()) causes.push('name: The field cannot be left blank');
  if (!Array.isArray(audiences) || audiences.length !== 1 || typeof audiences[0] !== 'string')
    causes.push('audiences: Exactly one audience is required');
  if (org.state.servers.some((s) => s.name === name))
    causes.push('name: An object with this field already exists in the current organization');
  if (causes.length) throw invalid(...causes);
  const id = oktaId('aus');
  const created: Server = {
    id,
    name: String(name),
    description: typeof body.description === 'string' ? body.description : '',
    audiences: audiences as string[],
    issuer: org.issuerOf(id),
    issuerMode: 'ORG_URL',
    status: 'ACTIVE',
    created: now(),
    lastUpdated: now(),
    scopes: [],
    policies: [],
  };
  org.state.servers.push(created);
  return created;
}

export function updateServer(s: Server, body: Json): Server {
  if (!Array.isArray(body.audiences) || body.audiences.length !== 1)
    throw invalid('audiences: Exactly one audience is required');
  if (typeof body.name !== 'string' || !body.name)
    throw invalid('name: The field cannot be left blank');
  Object.assign(s, {
    name: body.name,
    description: body.description ?? s.description,
    audiences: body.audiences,
    lastUpdated: now(),
  });
  return s;
}

export function scopes(
  s: Server,
  method: string,
  id: string | undefined,
  body: Json,
): [number, unknown] {
  if (!id && method === 'GET') return [200, clone(s.scopes)];
  const validate = (existing?: Scope) => {
    const causes: string[] = [];
    if (typeof body.name !== 'string' || !/^[\w.:/-]+$/.test(body.name))
      causes.push('name: The scope name is invalid');
    if (s.scopes.some((x) => x.name === body.name && x !== existing))
      causes.push('name: An object with this field already exists in the current organization');
    if (
      body.consent !== undefined &&
      !['REQUIRED', 'IMPLICIT', 'FLEXIBLE'].includes(String(body.consent))
    )
      causes.push('consent: Invalid value');
    if (causes.length) throw invalid(...causes);
  };
  if (!id && method === 'POST') {
    validate();
    const scope: Scope = {
      id: oktaId('scp'),
      name: String(body.name),
      description: body.description ?? '',
      displayName: body.displayName ?? body.name,
      consent: String(body.consent ?? 'IMPLICIT'),
      metadataPublish: body.metadataPublish ?? 'NO_CLIENTS',
      system: false,
      default: false,
    };
    s.scopes.push(scope);
    return [201, scope];
  }
  const scope = s.scopes.find((x) => x.id === id);
  if (!scope) throw notFound(String(id), 'OAuth2Scope');
  if (method === 'GET') return [200, scope];
  if (method === 'PUT') {
    validate(scope);
    Object.assign(scope, {
      ...body,
      id: scope.id,
      consent: String(body.consent ?? scope.consent),
    });
    return [200, scope];
  }
  if (method === 'DELETE') {
    s.scopes.splice(s.scopes.indexOf(scope), 1);
    return [204, undefined];
  }
  throw notFound(String(id), 'OAuth2Scope');
}
