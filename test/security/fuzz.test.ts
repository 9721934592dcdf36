import fc from 'fast-check';
import { answer, type AuthorizerHandler, bearer, coldStart } from '../../testkit/authorizer';
import { type JwksServer, startJwksServer } from '../../testkit/jwks-server';
import { captureLogs, type CapturedLogs } from '../../testkit/logs';
import { propertyRuns } from '../../testkit/property-runs';
import { oktaClaims, rsaKey, sign } from '../../testkit/tokens';

// Property-based fuzzing: whatever arrives in the Authorization header, the authorizer never
// allows it unless it is the valid token itself, only ever throws `Unauthorized`, and answers
// each call within a bound (a guard against pathological inputs, not a performance measure).
const PROPERTY = propertyRuns(10_000);
const RUNS = PROPERTY.numRuns;
const BOUND_MS = 250;

let jwks: JwksServer;
let handler: AuthorizerHandler;
let logs: CapturedLogs;
let token: string;

beforeAll(async () => {
  const key = await rsaKey();
  jwks = await startJwksServer([key.publicJwk]);
  logs = captureLogs();
  handler = coldStart({ OKTA_ISSUER: jwks.issuer, POWERTOOLS_LOG_LEVEL: 'ERROR' });
  token = await sign(oktaClaims(jwks.issuer), key);
  expect((await answer(handler, bearer(token))).status).toBe(200);
});
afterAll(async () => {
  logs.restore();
  await jwks.close();
});

const b64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const decode = (segment: string) => Buffer.from(segment, 'base64url').toString();

/** Same signing input and the same signature bytes: the very token, however its signature is spelled. */
function isTheValidToken(candidate: string): boolean {
  const [h, p, s] = token.split('.') as [string, string, string];
  const parts = candidate
    .replace(/^bearer +/i, '')
    .trim()
    .split('.');
  return (
    parts.length === 3 &&
    parts[0] === h &&
    parts[1] === p &&
    Buffer.from(parts[2] as string, 'base64url').equals(Buffer.from(s, 'base64url'))
  );
}

async function neverAllowedUnlessValid(header: string): Promise<void> {
  const started = performance.now();
  const { status, thrown } = await answer(handler, header);
  const elapsed = performance.now() - started;
  if (status === 200 && isTheValidToken(header)) return;
  expect({ header, status, thrown }).toEqual({ header, status: 401, thrown: 'Unauthorized' });
  expect(elapsed).toBeLessThan(BOUND_MS);
}

const base64urlChars = fc.constantFrom(
  ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'.split(''),
);
const jsonHeader = fc.record(
  {
    alg: fc.oneof(
      fc.constantFrom('RS256', 'RS512', 'PS256', 'ES256', 'HS256', 'none', 'None', ''),
      fc.jsonValue(),
    ),
    kid: fc.oneof(fc.string(), fc.jsonValue()),
    typ: fc.constantFrom('JWT', 'at+jwt'),
    jku: fc.webUrl(),
    crit: fc.array(fc.string()),
  },
  { requiredKeys: [] },
);

describe('random Authorization headers', () => {
  const headers = fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'binary', maxLength: 300 }),
    fc
      .tuple(
        fc.constantFrom('Bearer', 'bearer', 'BEARER', 'Basic', 'SSWS', 'DPoP', 'Token', ''),
        fc.constantFrom(' ', '  ', '\t', ''),
        fc.string({ maxLength: 200 }),
      )
      .map(([scheme, space, rest]) => `${scheme}${space}${rest}`),
    fc
      .array(fc.stringMatching(/^[A-Za-z0-9_-]{0,60}$/), { minLength: 1, maxLength: 6 })
      .map((parts) => `Bearer ${parts.join('.')}`),
    fc
      .tuple(jsonHeader, fc.jsonValue(), fc.uint8Array({ maxLength: 300 }))
      .map(
        ([h, p, s]) =>
          `Bearer ${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(p) ?? '')}.${b64url(Buffer.from(s))}`,
      ),
    fc
      .tuple(
        jsonHeader,
        fc.dictionary(
          fc.constantFrom('iss', 'aud', 'exp', 'nbf', 'iat', 'sub', 'scp', 'scope', 'cid'),
          fc.jsonValue(),
        ),
        fc.uint8Array({ minLength: 256, maxLength: 256 }),
      )
      .map(
        ([h, p, s]) =>
          `Bearer ${b64url(JSON.stringify({ ...h, alg: 'RS256' }))}.${b64url(JSON.stringify({ iss: jwks.issuer, ...p }))}.${b64url(Buffer.from(s))}`,
      ),
  );

  it(`are never allowed (${RUNS} runs)`, async () => {
    await fc.assert(fc.asyncProperty(headers, neverAllowedUnlessValid), PROPERTY);
  });
});

describe('mutations of a valid token', () => {
  const segments = () => token.split('.') as [string, string, string];
  const mutations = fc.oneof(
    // bit flips anywhere in the token
    fc.tuple(fc.nat(), fc.integer({ min: 0, max: 6 })).map(([at, bit]) => {
      const i = at % token.length;
      return (
        token.slice(0, i) +
        String.fromCharCode(token.charCodeAt(i) ^ (1 << bit)) +
        token.slice(i + 1)
      );
    }),
    // one base64url character replaced
    fc.tuple(fc.nat(), base64urlChars).map(([at, c]) => {
      const i = at % token.length;
      return token.slice(0, i) + c + token.slice(i + 1);
    }),
    // segments swapped, dropped or repeated
    fc
      .array(fc.constantFrom(0, 1, 2), { minLength: 1, maxLength: 5 })
      .map((order) => order.map((i) => segments()[i]).join('.')),
    // claim edits, signature kept
    fc
      .tuple(
        fc.constantFrom(
          'iss',
          'aud',
          'exp',
          'nbf',
          'iat',
          'sub',
          'scp',
          'scope',
          'cid',
          'uid',
          'ver',
        ),
        fc.jsonValue(),
      )
      .map(([claim, value]) => {
        const [h, p, s] = segments();
        return [h, b64url(JSON.stringify({ ...JSON.parse(decode(p)), [claim]: value })), s].join(
          '.',
        );
      }),
    // header edits, signature kept
    jsonHeader.map((edit) => {
      const [h, p, s] = segments();
      return [b64url(JSON.stringify({ ...JSON.parse(decode(h)), ...edit })), p, s].join('.');
    }),
    // re-encodings of the same bytes
    fc.constantFrom(0, 1, 2).chain((i) =>
      fc
        .constantFrom<(segment: string) => string>(
          (segment) => Buffer.from(segment, 'base64url').toString('base64'), // standard alphabet, padded
          (segment) => `${segment}=`,
          (segment) => `${segment}==`,
          (segment) => ` ${segment}`,
          (segment) => segment.toUpperCase(),
          (segment) => encodeURIComponent(Buffer.from(segment, 'base64url').toString('base64')),
        )
        .map((encode) =>
          segments()
            .map((segment, j) => (j === i ? encode(segment) : segment))
            .join('.'),
        ),
    ),
  );

  it(`are never allowed, unless they are the valid token itself (${RUNS} runs)`, async () => {
    await fc.assert(
      fc.asyncProperty(
        mutations,
        fc.constantFrom('Bearer ', 'bearer ', 'Bearer  '),
        (mutated, scheme) => neverAllowedUnlessValid(`${scheme}${mutated}`),
      ),
      PROPERTY,
    );
  });
});
