import { exportJWK } from 'jose';
import { DpopProofError, sameTarget, verifyProof } from '../../../authorizer/dpop';
import { proof, proofKey, type ProofKey } from '../../../testkit/dpop';

// The proof checks one by one, at their edges, with the reason and the detail the log gets.
const URL_ = 'https://abcdef1234.execute-api.us-east-1.amazonaws.com/dev/api/messages';
const AT = 'eyJ.access.token';
const WINDOW = { maxAgeSeconds: 60, futureSkewSeconds: 5 };
let key: ProofKey;
let now: number;

beforeAll(async () => {
  key = await proofKey('ES256');
});
beforeEach(() => {
  now = Math.floor(Date.now() / 1000);
});

const make = (
  change: { claims?: Record<string, unknown>; header?: Record<string, unknown> } = {},
) => proof(key, { htm: 'POST', htu: URL_, accessToken: AT, ...change });
const check = (proofs: string[], overrides: Partial<Parameters<typeof verifyProof>[0]> = {}) =>
  verifyProof(
    { proofs, method: 'POST', url: URL_, accessToken: AT, jkt: key.jkt, now, ...overrides },
    WINDOW,
  );
const refused = async (
  proofs: string[],
  detail: string | RegExp,
  reason = 'invalid_dpop_proof',
) => {
  const error = await check(proofs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(DpopProofError);
  expect((error as DpopProofError).reason).toBe(reason);
  expect((error as DpopProofError).message).toMatch(detail);
};

it('accepts a valid proof and gives its jti and iat', async () => {
  const signed = await make({ claims: { jti: 'j-1', iat: now } });
  await expect(check([signed])).resolves.toEqual({ jti: 'j-1', iat: now });
  // Surrounding spaces, as a proxy may leave them, are not part of the proof.
  await expect(check([` ${signed} `])).resolves.toMatchObject({ jti: 'j-1' });
});

describe('the header holds one compact JWS', () => {
  it.each([
    ['no header', [], 'expected one DPoP header, got 0'],
    ['two', ['a.b.c', 'a.b.c'], 'expected one DPoP header, got 2'],
  ])('%s', async (_name, proofs, detail) => {
    await refused(proofs, detail);
  });

  it('refuses junk before or after the JWS, and anything over 4096 characters', async () => {
    const signed = await make();
    const notOne = 'the DPoP header is not one JWS in compact serialization';
    await refused([`x ${signed}`], notOne);
    await refused([`${signed} x`], notOne);
    await refused([`${signed}.x`], notOne);
    const [h, p] = signed.split('.') as [string, string];
    const long = (length: number) => `${h}.${p}.${'A'.repeat(length - h.length - p.length - 2)}`;
    // 4096 passes the size check (and fails on its signature); 4097 does not reach it.
    await refused([long(4096)], /^the proof does not verify/);
    await refused([long(4097)], notOne);
  });
});

describe("the header's jwk", () => {
  it.each(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'])(
    'refuses a jwk with %s',
    async (member) => {
      await refused(
        [await make({ header: { jwk: { ...key.jwk, [member]: 'AQAB' } } })],
        'the proof carries a private key',
      );
    },
  );

  it.each([
    ['not an object', 'jwk'],
    ['an array', [1]],
    ['null', null],
  ])('refuses a jwk that is %s', async (_name, jwk) => {
    await refused([await make({ header: { jwk } })], /the proof has no jwk header|does not verify/);
  });

  it('takes use "sig" and the proof\'s alg on the key; refuses another use or alg', async () => {
    await expect(
      check([await make({ header: { jwk: { ...key.jwk, use: 'sig', alg: 'ES256' } } })]),
    ).resolves.toBeTruthy();
    await refused(
      [await make({ header: { jwk: { ...key.jwk, use: 'enc' } } })],
      'the proof key is not for signatures',
    );
    await refused(
      [await make({ header: { jwk: { ...key.jwk, alg: 'ES384' } } })],
      "the proof key's alg is not the proof's",
    );
  });

  it('refuses the private key even without private members it knows (a symmetric key)', async () => {
    const privateJwk = await exportJWK(key.privateKey);
    await refused([await make({ header: { jwk: privateJwk } })], 'the proof carries a private key');
  });
});

describe('what the proof signs', () => {
  it('htm is the method, case included', async () => {
    await refused([await make({ claims: { htm: 'post' } })], 'htm is not the request method');
  });

  it('iat within the window, its edges included', async () => {
    await expect(check([await make({ claims: { iat: now - 60 } })])).resolves.toBeTruthy();
    await refused([await make({ claims: { iat: now - 61 } })], 'iat is too old');
    await expect(check([await make({ claims: { iat: now + 5 } })])).resolves.toBeTruthy();
    await refused([await make({ claims: { iat: now + 6 } })], 'iat is in the future');
    await refused([await make({ claims: { iat: 'now' } })], /iat|does not verify/);
  });

  it('jti present, at most 128 characters', async () => {
    await expect(check([await make({ claims: { jti: 'j'.repeat(128) } })])).resolves.toBeTruthy();
    await refused(
      [await make({ claims: { jti: 'j'.repeat(129) } })],
      'jti is missing or longer than 128 characters',
    );
    await refused(
      [await make({ claims: { jti: '' } })],
      'jti is missing or longer than 128 characters',
    );
    await refused(
      [await make({ claims: { jti: 7 } })],
      'jti is missing or longer than 128 characters',
    );
  });

  it('ath is the hash of this access token', async () => {
    await refused(
      [await make({ claims: { ath: undefined } })],
      'ath is not the hash of the access token',
    );
    await expect(check([await make()], { accessToken: 'another' })).rejects.toMatchObject({
      reason: 'invalid_dpop_proof',
      message: 'ath is not the hash of the access token',
    });
  });

  it("the key is the token's: otherwise dpop_binding_mismatch", async () => {
    await expect(check([await make()], { jkt: 'x'.repeat(43) })).rejects.toMatchObject({
      reason: 'dpop_binding_mismatch',
      message: "the proof's key is not the one the token is bound to",
    });
  });

  it('htu is the URL', async () => {
    await refused([await make({ claims: { htu: `${URL_}x` } })], 'htu is not the request URL');
    await refused([await make({ claims: { htu: 5 } })], 'htu is not the request URL');
  });
});

describe('sameTarget (RFC 3986 normalisation)', () => {
  it.each([
    ['the same', 'https://h.example/a/b', 'https://h.example/a/b', true],
    ['scheme and host case', 'HTTPS://H.Example/a', 'https://h.example/a', true],
    ['the default port', 'https://h.example:443/a', 'https://h.example/a', true],
    ['dot segments', 'https://h.example/x/../a', 'https://h.example/a', true],
    ['an unreserved character encoded', 'https://h.example/%7Ea', 'https://h.example/~a', true],
    ['percent-encoding case', 'https://h.example/a%2fb', 'https://h.example/a%2Fb', true],
    [
      'a reserved character encoded is not the character',
      'https://h.example/a%2Fb',
      'https://h.example/a/b',
      false,
    ],
    ['path case', 'https://h.example/A', 'https://h.example/a', false],
    ['another port', 'https://h.example:8443/a', 'https://h.example/a', false],
    ['a query', 'https://h.example/a?x=1', 'https://h.example/a', false],
    ['an empty query', 'https://h.example/a?', 'https://h.example/a', false],
    ['an empty fragment', 'https://h.example/a#', 'https://h.example/a', false],
    ['a fragment', 'https://h.example/a#x', 'https://h.example/a', false],
    ['a user', 'https://u@h.example/a', 'https://h.example/a', false],
    ['a password', 'https://:p@h.example/a', 'https://h.example/a', false],
    ['not a URL', 'a', 'https://h.example/a', false],
    ['against no URL', 'https://h.example/a', 'a', false],
  ])('%s', (_name, htu, url, same) => {
    expect(sameTarget(htu, url)).toBe(same);
  });
});
