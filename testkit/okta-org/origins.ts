/** The stand-in's trusted origins. */
import { invalid, type Json, now, oktaId, type Org, type TrustedOrigin } from './model';

export function saveOrigin(
  org: Org,
  existing: TrustedOrigin | undefined,
  body: Json,
): TrustedOrigin {
  const causes: string[] = [];
  if (typeof body.name !== 'string' || !body.name)
    causes.push('name: The field cannot be left blank');
  let origin = '';
  try {
    origin = new URL(String(body.origin)).origin;
  } catch {
    causes.push('origin: The origin is not a valid URL');
  }
  if (org.state.trustedOrigins.some((o) => o !== existing && o.origin === origin))
    causes.push('origin: An object with this field already exists in the current organization');
  const types = Array.isArray(body.scopes)
    ? (body.scopes as { type?: string }[]).map((s) => s.type)
    : [];
  if (
    types.length === 0 ||
    types.some((t) => t !== 'CORS' && t !== 'REDIRECT' && t !== 'IFRAME_EMBED')
  )
    causes.push('scopes: At least one of CORS, REDIRECT or IFRAME_EMBED is required');
  if (causes.length) throw invalid(...causes);
  const saved: TrustedOrigin = {
    ...(existing ?? { id: oktaId('tos'), status: 'ACTIVE', created: now() }),
    name: String(body.name),
    origin,
    scopes: types.map((type) => ({ type: String(type) })),
    lastUpdated: now(),
  };
  if (existing) Object.assign(existing, saved);
  else org.state.trustedOrigins.push(saved);
  return existing ?? saved;
}
