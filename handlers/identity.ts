/** The caller's identity, as the authorizer put it in the request context (authorizer/policy.ts). */
export interface Identity {
  sub: string;
  cid?: string;
  uid?: string;
  scopes: string[];
  issuer: string;
  expiresAt: string;
}

/** API Gateway passes context values as strings; serverless-offline keeps their types. */
export function readIdentity(
  context: Record<string, unknown> | null | undefined,
): Identity | undefined {
  const text = (value: unknown) =>
    typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
  const sub = text(context?.sub);
  const issuer = text(context?.issuer);
  const exp = Number(context?.exp);
  if (!sub || !issuer || !Number.isFinite(exp)) return undefined;
  const identity: Identity = {
    sub,
    scopes: (text(context?.scope) ?? '').split(' ').filter(Boolean),
    issuer,
    expiresAt: new Date(exp * 1000).toISOString(),
  };
  const cid = text(context?.cid);
  const uid = text(context?.uid);
  if (cid) identity.cid = cid;
  if (uid) identity.uid = uid;
  return identity;
}
