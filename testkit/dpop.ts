/**
 * DPoP (RFC 9449) proofs for tests and benchmarks: a client key, its thumbprint, and proofs signed
 * with it, right or wrong in any one way.
 */
import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair, type JWK } from 'jose';
import { accessTokenHash } from '../authorizer/dpop';

export interface ProofKey {
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  /** The public JWK, as a proof's header carries it. */
  jwk: JWK;
  /** Its RFC 7638 thumbprint: the token's cnf.jkt. */
  jkt: string;
}

export async function proofKey(alg: 'RS256' | 'ES256' = 'ES256'): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { alg, privateKey, jwk, jkt: await calculateJwkThumbprint(jwk, 'sha256') };
}

export interface ProofOptions {
  htm: string;
  htu: string;
  /** The access token whose hash goes in `ath`; leave out for a token request's proof. */
  accessToken?: string;
  /** Claims to change or (undefined) remove. */
  claims?: Record<string, unknown>;
  /** Header members to change or (undefined) remove. */
  header?: Record<string, unknown>;
}

/** A proof signed with `key`; `claims` and `header` make it wrong in the way a test needs. */
export async function proof(key: ProofKey, options: ProofOptions): Promise<string> {
  const payload: Record<string, unknown> = {
    htm: options.htm,
    htu: options.htu,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    ...(options.accessToken !== undefined && { ath: accessTokenHash(options.accessToken) }),
    ...options.claims,
  };
  const header: Record<string, unknown> = {
    typ: 'dpop+jwt',
    alg: key.alg,
    jwk: key.jwk,
    ...options.header,
  };
  for (const record of [payload, header]) {
    for (const [name, value] of Object.entries(record))
      if (value === undefined) delete record[name];
  }
  return new CompactSign(new TextEncoder().encode(JSON.stringify(payload)))
    .setProtectedHeader(header as { alg: string })
    .sign(key.privateKey);
}
