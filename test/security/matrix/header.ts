/** The bad-input matrix: The Authorization header, and the JWT's shape. */
import { b64, bearer, type MatrixCase, segments, valid } from './cases';

export const HEADER_CASES: MatrixCase[] = [
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
];
