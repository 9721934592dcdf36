/** The bad-input matrix: Algorithms and keys (RFC 8725 section 2.1, 3.1). */
import { b64, bearer, claims, type MatrixCase, segments, valid } from './cases';
import { sign, tamper, unsigned, withAlg } from '../../../testkit/tokens';
import { createPublicKey } from 'node:crypto';

export const KEY_CASES: MatrixCase[] = [
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
];
