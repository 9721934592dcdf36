import { createPublicKey } from 'node:crypto';
import { exportJWK, generateKeyPair } from 'jose';
import {
  oktaClaims,
  rsaKey,
  sign,
  tamper,
  type TestKey,
  unsigned,
  withAlg,
} from '../../testkit/tokens';

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

const now = () => Math.floor(Date.now() / 1000);
const claims = (ctx: MatrixContext, overrides: Record<string, unknown> = {}) =>
  oktaClaims(ctx.issuer, overrides);
const valid = (ctx: MatrixContext, overrides: Record<string, unknown> = {}) =>
  sign(claims(ctx, overrides), ctx.trusted);
const bearer = async (token: Promise<string> | string) => `Bearer ${await token}`;
const b64 = (value: string) => Buffer.from(value).toString('base64url');
const segments = async (ctx: MatrixContext) =>
  (await valid(ctx)).split('.') as [string, string, string];

export const MATRIX: MatrixCase[] = [
  // The Authorization header
  {
    name: 'no Authorization header',
    header: () => undefined,
    status: 401,
    reason: 'missing_token',
  },
  { name: 'empty value', header: () => '', status: 401, reason: 'missing_token' },
  { name: 'only white space', header: () => '   ', status: 401, reason: 'missing_token' },
  { name: '`Bearer` alone', header: () => 'Bearer', status: 401, reason: 'malformed_token' },
  {
    name: '`Bearer` and spaces',
    header: () => 'Bearer    ',
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'Basic credentials',
    header: () => 'Basic Y2xpZW50OnMzY3IzdC12YWx1ZQ==',
    status: 401,
    reason: 'unsupported_scheme',
  },
  {
    name: 'Okta `SSWS` API token',
    header: () => 'SSWS 00Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv',
    status: 401,
    reason: 'unsupported_scheme',
  },
  {
    name: 'token without a scheme',
    header: (ctx) => valid(ctx),
    status: 401,
    reason: 'unsupported_scheme',
  },
  {
    name: '`Bearer:` with a colon',
    header: async (ctx) => `Bearer: ${await valid(ctx)}`,
    status: 401,
    reason: 'unsupported_scheme',
  },
  {
    name: 'scheme in lower case (accepted: RFC 7235)',
    header: async (ctx) => `bearer ${await valid(ctx)}`,
    status: 200,
    reason: 'ok',
  },
  {
    name: 'scheme in upper case (accepted: RFC 7235)',
    header: async (ctx) => `BEARER ${await valid(ctx)}`,
    status: 200,
    reason: 'ok',
  },
  {
    name: 'several spaces after the scheme (accepted: RFC 7235)',
    header: async (ctx) => `Bearer    ${await valid(ctx)}`,
    status: 200,
    reason: 'ok',
  },
  {
    name: 'tab after the scheme',
    header: async (ctx) => `Bearer\t${await valid(ctx)}`,
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'two tokens, comma-separated',
    header: async (ctx) => `Bearer ${await valid(ctx)}, Bearer ${await valid(ctx)}`,
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'two tokens, space-separated',
    header: async (ctx) => `Bearer ${await valid(ctx)} ${await valid(ctx)}`,
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'header over 8 KB',
    header: async (ctx) => bearer(valid(ctx, { pad: 'x'.repeat(8192) })),
    status: 401,
    reason: 'token_too_large',
  },

  // The JWT's shape
  { name: 'not a JWT', header: () => 'Bearer not-a-jwt', status: 401, reason: 'malformed_token' },
  {
    name: 'two segments',
    header: async (ctx) => bearer((await segments(ctx)).slice(0, 2).join('.')),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'four segments',
    header: async (ctx) => bearer([...(await segments(ctx)), 'c2ln'].join('.')),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'characters outside base64url',
    header: async (ctx) => `Bearer ${(await valid(ctx)).replace('.', '!.')}`,
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'segment that is not valid base64url',
    header: async (ctx) => bearer(['e', ...(await segments(ctx)).slice(1)].join('.')),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'header not JSON',
    header: async (ctx) =>
      bearer([b64('{"alg":"RS256",'), ...(await segments(ctx)).slice(1)].join('.')),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'payload not JSON',
    header: async (ctx) => {
      const [h, , s] = await segments(ctx);
      return bearer([h, b64('not json'), s].join('.'));
    },
    status: 401,
    reason: 'malformed_token',
  },

  // Algorithms and keys (RFC 8725 section 2.1, 3.1)
  {
    name: 'alg `none`, no signature',
    header: (ctx) => bearer(unsigned(claims(ctx))),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'alg `none`, with a signature',
    header: (ctx) =>
      bearer(
        `${b64(JSON.stringify({ alg: 'none', kid: ctx.trusted.kid }))}.${b64(JSON.stringify(claims(ctx)))}.c2lnbmF0dXJl`,
      ),
    status: 401,
    reason: 'unsupported_algorithm',
  },
  {
    name: 'HS256 signed with the JWKS public key as secret (key confusion)',
    header: (ctx) => {
      const pem = createPublicKey({ key: ctx.trusted.publicJwk as never, format: 'jwk' }).export({
        type: 'spki',
        format: 'pem',
      }) as string;
      return bearer(
        sign(claims(ctx), new TextEncoder().encode(pem), { alg: 'HS256', kid: ctx.trusted.kid }),
      );
    },
    status: 401,
    reason: 'unsupported_algorithm',
  },
  {
    name: 'RS512 with the trusted key',
    header: async (ctx) =>
      bearer(sign(claims(ctx), await withAlg(ctx.trusted, 'RS512'), { alg: 'RS512' })),
    status: 401,
    reason: 'unsupported_algorithm',
  },
  {
    name: 'PS256 with the trusted key',
    header: async (ctx) =>
      bearer(sign(claims(ctx), await withAlg(ctx.trusted, 'PS256'), { alg: 'PS256' })),
    status: 401,
    reason: 'unsupported_algorithm',
  },
  {
    name: 'ES256 with an EC key the issuer publishes',
    header: (ctx) => bearer(sign(claims(ctx), ctx.ec, { alg: 'ES256' })),
    status: 401,
    reason: 'unsupported_algorithm',
  },
  {
    name: '`kid` missing',
    header: (ctx) => bearer(sign(claims(ctx), ctx.trusted, { kid: undefined })),
    status: 401,
    reason: 'missing_kid',
  },
  {
    name: '`kid` unknown',
    header: (ctx) => bearer(sign(claims(ctx), ctx.other)),
    status: 401,
    reason: 'unknown_key',
  },
  {
    name: '`kid` of a key of another type (EC)',
    header: (ctx) => bearer(sign(claims(ctx), ctx.trusted, { kid: ctx.ec.kid })),
    status: 401,
    reason: 'unsupported_algorithm',
  },
  {
    name: '`jku` header pointing at an attacker JWKS',
    header: (ctx) =>
      bearer(sign(claims(ctx), ctx.other, { jku: 'https://attacker.example/jwks.json' })),
    status: 401,
    reason: 'untrusted_key_header',
  },
  {
    name: '`x5u` header pointing at an attacker certificate',
    header: (ctx) =>
      bearer(sign(claims(ctx), ctx.other, { x5u: 'https://attacker.example/cert.pem' })),
    status: 401,
    reason: 'untrusted_key_header',
  },
  {
    name: '`jwk` header embedding the signing key',
    header: (ctx) => bearer(sign(claims(ctx), ctx.other, { jwk: ctx.other.publicJwk })),
    status: 401,
    reason: 'untrusted_key_header',
  },
  {
    name: '`x5c` header carrying a certificate chain',
    header: (ctx) =>
      bearer(sign(claims(ctx), ctx.other, { x5c: [b64('an attacker certificate')] })),
    status: 401,
    reason: 'untrusted_key_header',
  },
  {
    name: 'signature from another key, with the trusted `kid`',
    header: (ctx) => bearer(sign(claims(ctx), ctx.other, { kid: ctx.trusted.kid })),
    status: 401,
    reason: 'invalid_signature',
  },
  {
    name: '`=` padding after the signature',
    header: async (ctx) => bearer(`${await valid(ctx)}=`),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'a character outside base64url after the signature',
    header: async (ctx) => bearer(`${await valid(ctx)}!`),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'payload tampered after signing',
    header: async (ctx) =>
      bearer(tamper(await valid(ctx, { scp: ['ReadOnly'] }), { scp: ['AccessAll'] })),
    status: 401,
    reason: 'invalid_signature',
  },
  {
    name: 'signature stripped to one byte',
    header: async (ctx) => {
      const [h, p] = await segments(ctx);
      return bearer([h, p, 'AA'].join('.'));
    },
    status: 401,
    reason: 'invalid_signature',
  },

  // Time claims
  {
    name: 'expired',
    header: (ctx) => bearer(valid(ctx, { exp: now() - 120 })),
    status: 401,
    reason: 'expired',
  },
  {
    name: '`nbf` in the future',
    header: (ctx) => bearer(valid(ctx, { nbf: now() + 600 })),
    status: 401,
    reason: 'not_yet_valid',
  },
  {
    name: '`iat` in the future',
    header: (ctx) => bearer(valid(ctx, { iat: now() + 600 })),
    status: 401,
    reason: 'invalid_claims',
  },
  {
    name: '`iat` 30 s ahead, within the clock skew (accepted)',
    header: (ctx) => bearer(valid(ctx, { iat: now() + 30 })),
    status: 200,
    reason: 'ok',
  },
  {
    name: '`iat` missing (accepted: optional in RFC 7519)',
    header: (ctx) => bearer(valid(ctx, { iat: undefined })),
    status: 200,
    reason: 'ok',
  },
  {
    name: '`iat` as a string',
    header: (ctx) => bearer(valid(ctx, { iat: String(now()) })),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: '`exp` as a string',
    header: (ctx) => bearer(valid(ctx, { exp: String(now() + 3600) })),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: '`exp` missing',
    header: (ctx) => bearer(valid(ctx, { exp: undefined })),
    status: 401,
    reason: 'invalid_claims',
  },

  // Issuer and audience
  {
    name: 'wrong issuer',
    header: (ctx) => bearer(valid(ctx, { iss: 'https://evil.example.com/oauth2/default' })),
    status: 401,
    reason: 'wrong_issuer',
  },
  {
    name: 'issuer of the org authorization server',
    header: (ctx) => bearer(valid(ctx, { iss: new URL(ctx.issuer).origin })),
    status: 401,
    reason: 'wrong_issuer',
  },
  {
    name: 'another authorization server of the same Okta org',
    header: (ctx) =>
      bearer(
        valid(ctx, { iss: ctx.issuer.replace('/oauth2/default', '/oauth2/aus9other0server') }),
      ),
    status: 401,
    reason: 'wrong_issuer',
  },
  {
    name: 'wrong audience',
    header: (ctx) => bearer(valid(ctx, { aud: 'api://another-api' })),
    status: 401,
    reason: 'wrong_audience',
  },
  {
    name: 'audience array without ours',
    header: (ctx) => bearer(valid(ctx, { aud: ['api://a', 'api://b'] })),
    status: 401,
    reason: 'wrong_audience',
  },
  {
    name: 'audience array with ours (accepted: RFC 7519)',
    header: (ctx) => bearer(valid(ctx, { aud: ['api://a', 'api://default'] })),
    status: 200,
    reason: 'ok',
  },
  {
    name: 'an ID token (aud = client id)',
    header: (ctx) =>
      bearer(
        valid(ctx, {
          aud: '0oa1client2id',
          scp: undefined,
          cid: undefined,
          nonce: 'n',
          auth_time: now(),
        }),
      ),
    status: 401,
    reason: 'wrong_audience',
  },

  // Subject and scopes
  {
    name: '`sub` missing',
    header: (ctx) => bearer(valid(ctx, { sub: undefined })),
    status: 401,
    reason: 'invalid_claims',
  },
  {
    name: '`sub` empty',
    header: (ctx) => bearer(valid(ctx, { sub: '' })),
    status: 401,
    reason: 'invalid_claims',
  },
  {
    name: '`sub` a number',
    header: (ctx) => bearer(valid(ctx, { sub: 42 })),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: 'missing the required scope (ReadOnly only)',
    header: (ctx) => bearer(valid(ctx, { scp: ['ReadOnly'] })),
    status: 403,
    reason: 'insufficient_scope',
  },
  {
    name: 'no scopes at all',
    header: (ctx) => bearer(valid(ctx, { scp: undefined })),
    status: 403,
    reason: 'insufficient_scope',
  },
  {
    name: 'scope only as a `scope` string, without the required one',
    header: (ctx) => bearer(valid(ctx, { scp: undefined, scope: 'ReadOnly openid' })),
    status: 403,
    reason: 'insufficient_scope',
  },
  {
    name: 'scope only as a `scope` string, with it (accepted: non-Okta servers)',
    header: (ctx) => bearer(valid(ctx, { scp: undefined, scope: 'AccessAll' })),
    status: 200,
    reason: 'ok',
  },
  {
    name: '`scp` not an array',
    header: (ctx) => bearer(valid(ctx, { scp: 'AccessAll' })),
    status: 401,
    reason: 'invalid_claims',
  },
  {
    name: '`scp` with a non-string',
    header: (ctx) => bearer(valid(ctx, { scp: ['AccessAll', 42] })),
    status: 401,
    reason: 'invalid_claims',
  },
  {
    name: '`scp` with a space inside a scope (two scopes spelled as one)',
    header: (ctx) => bearer(valid(ctx, { scp: ['AccessAll ReadOnly'] })),
    status: 401,
    reason: 'invalid_claims',
  },
  {
    name: '`scope` not a string',
    header: (ctx) => bearer(valid(ctx, { scp: undefined, scope: ['AccessAll'] })),
    status: 401,
    reason: 'malformed_token',
  },
  {
    name: '`scp` with a scope over 256 characters',
    header: (ctx) => bearer(valid(ctx, { scp: ['AccessAll', 'x'.repeat(257)] })),
    status: 401,
    reason: 'invalid_claims',
  },
  {
    name: '`scp` with a 256-character scope (accepted)',
    header: (ctx) => bearer(valid(ctx, { scp: ['AccessAll', 'x'.repeat(256)] })),
    status: 200,
    reason: 'ok',
  },
  {
    name: '`scp` with 101 scopes',
    header: (ctx) =>
      bearer(valid(ctx, { scp: ['AccessAll', ...Array.from({ length: 100 }, (_, i) => `s${i}`)] })),
    status: 401,
    reason: 'invalid_claims',
  },
  {
    name: '`scp` with 100 scopes (accepted)',
    header: (ctx) =>
      bearer(valid(ctx, { scp: ['AccessAll', ...Array.from({ length: 99 }, (_, i) => `s${i}`)] })),
    status: 200,
    reason: 'ok',
  },
  {
    name: 'huge `scp` (150 scopes)',
    header: (ctx) =>
      bearer(valid(ctx, { scp: ['AccessAll', ...Array.from({ length: 149 }, (_, i) => `s${i}`)] })),
    status: 401,
    reason: 'invalid_claims',
  },

  // The control
  {
    name: 'a valid Okta access token with the required scope',
    header: (ctx) => bearer(valid(ctx)),
    status: 200,
    reason: 'ok',
  },
];
