/** The bad-input matrix: Time claims, issuer and audience, subject and scopes, and the control. */
import { bearer, type MatrixCase, now, valid } from './cases';

export const CLAIM_CASES: MatrixCase[] = [
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
