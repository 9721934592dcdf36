/**
 * DPoP proofs (RFC 9449 sections 4.3 and 7): the `DPoP` header of a request that presents a
 * DPoP-bound access token. The JOSE work (the JWS, its embedded public JWK, the thumbprint) is
 * jose's; this module says what a proof must hold.
 */
import { createHash } from 'node:crypto';
import {
  calculateJwkThumbprint,
  errors,
  importJWK,
  type JWK,
  type JWSHeaderParameters,
  jwtVerify,
} from 'jose';
import { COMPACT_JWS } from './compact-jws';
import { memo } from './memo';

/** RS256 is what okta-auth-js signs every proof with; ES256 what most other clients use. */
export const DPOP_ALGORITHMS = ['RS256', 'ES256'];

/** Why a proof was refused: the decision log's reason. */
export type DpopReason = 'invalid_dpop_proof' | 'dpop_binding_mismatch';

export class DpopProofError extends Error {
  override name = 'DpopProofError';
  constructor(
    readonly reason: DpopReason,
    message: string,
  ) {
    super(message);
  }
}

export interface ProofWindow {
  /** How old a proof's `iat` may be, in seconds. */
  maxAgeSeconds: number;
  /** How far ahead of our clock a proof's `iat` may be, in seconds. */
  futureSkewSeconds: number;
}

export interface ProofRequest {
  /** The `DPoP` header's value(s), as the request carried them. */
  proofs: string[];
  /** The request's method. */
  method: string;
  /** The request's URL as we rebuilt it from trusted parts, without query or fragment. */
  url: string;
  /** The access token the request presents. */
  accessToken: string;
  /** The token's `cnf.jkt`: the thumbprint of the key it is bound to. */
  jkt: string;
  /** Seconds since the epoch. */
  now: number;
}

export interface VerifiedProof {
  jti: string;
  iat: number;
}

/** Longer than any proof a client sends: a header with a 4096-bit RSA key is about 1.3 KB. */
const MAX_PROOF_BYTES = 4096;
/** RFC 9449 suggests 96 bits of randomness; 128 characters leaves room for any encoding of it. */
const MAX_JTI_LENGTH = 128;
/** JWK members that only a private or symmetric key has. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

const invalid = (message: string) => new DpopProofError('invalid_dpop_proof', message);

/** Checks one request's proof; resolves with what the replay check needs, or throws DpopProofError. */
export async function verifyProof(
  request: ProofRequest,
  window: ProofWindow,
): Promise<VerifiedProof> {
  if (request.proofs.length !== 1) {
    throw invalid(`expected one DPoP header, got ${request.proofs.length}`);
  }
  const proof = (request.proofs[0] as string).trim();
  if (proof.length > MAX_PROOF_BYTES || !COMPACT_JWS.test(proof)) {
    throw invalid('the DPoP header is not one JWS in compact serialization');
  }

  let payload: Record<string, unknown>;
  // Stryker disable next-line StringLiteral: jwtVerify asks for the key (and so sets this) before it resolves
  let thumbprint: Promise<string> = Promise.resolve('');
  try {
    const verified = await jwtVerify(
      proof,
      async (header: JWSHeaderParameters) => {
        const key = await proofKeyOf(header);
        thumbprint = key.thumbprint;
        return key.cryptoKey;
      },
      {
        typ: 'dpop+jwt',
        algorithms: DPOP_ALGORITHMS,
      },
    );
    payload = verified.payload;
  } catch (error) {
    if (error instanceof DpopProofError) throw error;
    throw invalid(`the proof does not verify: ${describe(error)}`);
  }

  if (payload.htm !== request.method) throw invalid('htm is not the request method');
  if (typeof payload.htu !== 'string' || !sameTarget(payload.htu, request.url)) {
    throw invalid('htu is not the request URL');
  }
  const { iat, jti } = payload;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('iat is missing');
  if (iat < request.now - window.maxAgeSeconds) throw invalid('iat is too old');
  if (iat > request.now + window.futureSkewSeconds) throw invalid('iat is in the future');
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) {
    throw invalid(`jti is missing or longer than ${MAX_JTI_LENGTH} characters`);
  }
  if (payload.ath !== accessTokenHash(request.accessToken)) {
    throw invalid('ath is not the hash of the access token');
  }
  if ((await thumbprint) !== request.jkt) {
    throw new DpopProofError(
      'dpop_binding_mismatch',
      "the proof's key is not the one the token is bound to",
    );
  }
  return { jti, iat };
}

interface ProofKey {
  cryptoKey: CryptoKey;
  /** Its RFC 7638 thumbprint, computed once. */
  thumbprint: Promise<string>;
}

/**
 * The header's `jwk` as a verification key, as jose's EmbeddedJWK imports it (a JSON object, `use`
 * sig and `alg` the header's when present, a public key), after refusing private key members.
 * A client signs its proofs with one key: imported once and kept, with its thumbprint, for the
 * next proofs that carry the same JWK (bounded; a new key costs one import).
 */
async function proofKeyOf(header: JWSHeaderParameters): Promise<ProofKey> {
  const { jwk, alg } = header as { jwk?: unknown; alg?: string };
  if (!jwk || typeof jwk !== 'object' || Array.isArray(jwk)) {
    throw invalid('the proof has no jwk header');
  }
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
    throw invalid('the proof carries a private key');
  }
  const { use, alg: keyAlg } = jwk as JWK;
  if (use !== undefined && use !== 'sig') throw invalid('the proof key is not for signatures');
  if (keyAlg !== undefined && keyAlg !== alg)
    throw invalid("the proof key's alg is not the proof's");
  return importedKey(`${alg} ${JSON.stringify(jwk)}`);
}

const importedKey = memo(256, (cacheKey: string): Promise<ProofKey> => {
  const space = cacheKey.indexOf(' ');
  const alg = cacheKey.slice(0, space);
  const jwk = JSON.parse(cacheKey.slice(space + 1)) as JWK;
  const imported = (async () => {
    const cryptoKey = (await importJWK(jwk, alg)) as CryptoKey;
    // Stryker disable next-line ConditionalExpression,StringLiteral: private members are refused before the import, so jose yields a public key; kept as a second guard
    if (cryptoKey.type !== 'public') throw invalid('the proof key is not a public key');
    return { cryptoKey, thumbprint: calculateJwkThumbprint(jwk, 'sha256') };
  })();
  // A refused key stays refused: the next proof with it gets the same answer without an import.
  // Stryker disable next-line ExpressionStatement: only keeps an unawaited rejection quiet; every caller awaits it
  imported.catch(() => undefined);
  return imported;
});

/** base64url(SHA-256(access token)): the proof's `ath` (RFC 9449 section 4.2). */
export function accessTokenHash(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * `htu` against the request URL, both after RFC 3986 normalisation (scheme and host case, default
 * port, dot segments, percent-encoding case). `htu` carries no query or fragment.
 */
export function sameTarget(htu: string, url: string): boolean {
  let claimed: URL;
  let actual: URL;
  try {
    claimed = new URL(htu);
    actual = new URL(url);
  } catch {
    return false;
  }
  // Any "?" or "#" means a query or fragment, even an empty one that URL does not keep.
  if (htu.includes('?') || htu.includes('#')) return false;
  if (claimed.username !== '' || claimed.password !== '') return false;
  return (
    claimed.origin === actual.origin &&
    normalizePercent(claimed.pathname) === normalizePercent(actual.pathname)
  );
}

/** %7e and %7E name one octet; unreserved characters need no encoding (RFC 3986 section 6.2.2). */
function normalizePercent(path: string): string {
  return path.replace(/%[0-9a-fA-F]{2}/g, (escape) => {
    const char = String.fromCharCode(Number.parseInt(escape.slice(1), 16));
    // Stryker disable next-line MethodExpression: both sides are normalised alike, to either case
    return /[A-Za-z0-9\-._~]/.test(char) ? char : escape.toUpperCase();
  });
}

function describe(error: unknown): string {
  if (error instanceof errors.JOSEError) return error.message;
  return error instanceof Error ? error.message : String(error);
}
