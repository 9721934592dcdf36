import fc from 'fast-check';
import { DpopProofError, verifyProof } from '../../authorizer/dpop';
import { propertyRuns } from '../../testkit/property-runs';
import { proof, proofKey, type ProofKey } from '../../testkit/dpop';

// The proof parser fuzzed as the token parser is (fuzz.test.ts): whatever arrives in the DPoP
// header, or however a valid proof is changed, it is refused with a DpopProofError (never another
// error, never accepted unless it is the valid proof itself), within a bound.
const PROPERTY = propertyRuns(2000);
const BOUND_MS = 250;
const URL_ = 'https://abcdef1234.execute-api.us-east-1.amazonaws.com/dev/api/messages';
const ACCESS_TOKEN = 'eyJ.a.b';
const WINDOW = { maxAgeSeconds: 60, futureSkewSeconds: 5 };

let key: ProofKey;
let valid: string;

beforeAll(async () => {
  key = await proofKey('ES256');
  valid = await proof(key, { htm: 'POST', htu: URL_, accessToken: ACCESS_TOKEN });
});

const check = (proofs: string[]) =>
  verifyProof(
    {
      proofs,
      method: 'POST',
      url: URL_,
      accessToken: ACCESS_TOKEN,
      jkt: key.jkt,
      now: Date.now() / 1000,
    },
    WINDOW,
  );

async function refusedUnlessValid(proofs: string[]): Promise<void> {
  const started = performance.now();
  let outcome: unknown;
  try {
    await check(proofs);
    outcome = 'accepted';
  } catch (error) {
    outcome = error;
  }
  const elapsed = performance.now() - started;
  if (outcome === 'accepted' && proofs.length === 1 && isTheValidProof(proofs[0] as string)) return;
  expect({ proofs, refused: outcome instanceof DpopProofError }).toEqual({ proofs, refused: true });
  expect(elapsed).toBeLessThan(BOUND_MS);
}

const b64url = (value: string) => Buffer.from(value).toString('base64url');

/**
 * The same signing input and signature bytes: the valid proof, however its signature is spelled
 * (the last base64url character carries unused bits). Its jti is the same, so the replay table
 * still refuses it a second time.
 */
function isTheValidProof(candidate: string): boolean {
  const [h, p, s] = valid.split('.') as [string, string, string];
  const parts = candidate.trim().split('.');
  return (
    parts.length === 3 &&
    parts[0] === h &&
    parts[1] === p &&
    Buffer.from(parts[2] as string, 'base64url').equals(Buffer.from(s, 'base64url'))
  );
}

it('accepts the valid proof (the property below is not vacuous)', async () => {
  await expect(check([valid])).resolves.toMatchObject({ jti: expect.any(String) });
});

it(`refuses random DPoP headers (${PROPERTY.numRuns} runs)`, async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          fc.string(),
          fc.stringMatching(/^[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,40}$/),
          fc
            .tuple(fc.jsonValue(), fc.jsonValue(), fc.string())
            .map(
              ([h, p, s]) =>
                `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(p))}.${b64url(s)}`,
            ),
        ),
        { maxLength: 3 },
      ),
      refusedUnlessValid,
    ),
    PROPERTY,
  );
}, 60_000);

it(`refuses mutations of a valid proof (${PROPERTY.numRuns} runs)`, async () => {
  const [h, p, s] = valid.split('.') as [string, string, string];
  const header = JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>;
  const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        // A member of the header or payload changed, removed or added; the signature kept.
        fc
          .tuple(
            fc.boolean(),
            fc.constantFrom(...Object.keys(header), ...Object.keys(payload), 'nonce', 'x'),
            fc.jsonValue(),
          )
          .map(([inHeader, name, value]) => {
            const target = { ...(inHeader ? header : payload), [name]: value };
            return inHeader
              ? `${b64url(JSON.stringify(target))}.${p}.${s}`
              : `${h}.${b64url(JSON.stringify(target))}.${s}`;
          }),
        // A flipped character anywhere.
        fc.tuple(fc.nat(), fc.constantFrom(...'AZaz09-_.=+/ '.split(''))).map(([at, char]) => {
          const i = at % valid.length;
          return `${valid.slice(0, i)}${char}${valid.slice(i + 1)}`;
        }),
        // Segments swapped, dropped or repeated.
        fc.constantFrom(
          `${p}.${h}.${s}`,
          `${h}.${p}`,
          `${h}.${p}.${s}.${s}`,
          `${h}..${s}`,
          `.${p}.${s}`,
        ),
      ),
      (mutated) => refusedUnlessValid([mutated]),
    ),
    PROPERTY,
  );
}, 60_000);
