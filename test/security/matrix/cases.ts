/** The bad-input matrix's shapes, keys and token helpers (its cases: header.ts, keys.ts, claims.ts). */
import { exportJWK, generateKeyPair } from 'jose';
import { oktaClaims, rsaKey, sign, type TestKey } from '../../../testkit/tokens';

/** The keys a matrix run needs: `trusted` and `ec` are published in the issuer's JWKS. */
export interface MatrixKeys {
  trusted: TestKey;
  other: TestKey;
  ec: TestKey;
}

export interface MatrixContext extends MatrixKeys {
  issuer: string;
}

export interface MatrixCase {
  name: string;
  /** The Authorization header (undefined: none). */
  header: (ctx: MatrixContext) => Promise<string | undefined> | string | undefined;
  status: 200 | 401 | 403;
  /** The reason logged with the decision. */
  reason: string;
}

export async function matrixKeys(): Promise<MatrixKeys> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const ec: TestKey = {
    kid: 'ec-key',
    privateKey,
    publicJwk: { ...(await exportJWK(publicKey)), kid: 'ec-key', alg: 'ES256', use: 'sig' },
  };
  return { trusted: await rsaKey(), other: await rsaKey(), ec };
}

export const now = () => Math.floor(Date.now() / 1000);
export const claims = (ctx: MatrixContext, overrides: Record<string, unknown> = {}) =>
  oktaClaims(ctx.issuer, overrides);
export const valid = (ctx: MatrixContext, overrides: Record<string, unknown> = {}) =>
  sign(claims(ctx, overrides), ctx.trusted);
export const bearer = async (token: Promise<string> | string) => `Bearer ${await token}`;
export const b64 = (value: string) => Buffer.from(value).toString('base64url');
export const segments = async (ctx: MatrixContext) =>
  (await valid(ctx)).split('.') as [string, string, string];
