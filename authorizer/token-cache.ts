import type { AccessTokenClaims } from './verifier';

/**
 * Tokens this container has verified, keyed by the whole token. A client-credentials client
 * reuses one token for up to an hour, so most requests are repeats: a hit skips the signature
 * check but nothing else (the caller rechecks the route's scopes; expiry is rechecked here).
 * Only successful verifications go in. Least recently used entries go first past `maxEntries`.
 *
 * Memory: at most `maxEntries` tokens. Okta access tokens are about 1 KB, so 1,000 entries hold
 * about 1.5 MB; the authorizer refuses headers over 8 KB, which bounds the worst case near 9 MB.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, AccessTokenClaims>();

  constructor(private readonly maxEntries: number) {}

  get(token: string, nowSeconds: number): AccessTokenClaims | undefined {
    const claims = this.entries.get(token);
    if (claims === undefined) return undefined;
    this.entries.delete(token);
    if (claims.exp <= nowSeconds) return undefined;
    this.entries.set(token, claims); // most recently used last
    return claims;
  }

  set(token: string, claims: AccessTokenClaims): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(token);
    this.entries.set(token, claims);
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
