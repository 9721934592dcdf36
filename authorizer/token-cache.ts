import type { AccessTokenClaims } from './verifier';

/** Enough of the signature to tell tokens apart, short enough to hash fast (256 random bits). */
const INDEX_CHARS = 43;

/**
 * Tokens this container has verified. A client-credentials client reuses one token for up to an
 * hour, so most requests are repeats: a hit skips the signature check but nothing else (the
 * caller rechecks the route's scopes; expiry is rechecked here). Only successful verifications go
 * in. Least recently used entries go first past `maxEntries`.
 *
 * An entry matches only the very same token, compared whole; it is indexed by the end of its
 * signature because hashing a 1 KB token for a Map lookup costs more than the rest of a hit.
 *
 * Memory: at most `maxEntries` tokens. Okta access tokens are about 1 KB, so 1,000 entries hold
 * about 1.5 MB; the authorizer refuses headers over 8 KB, which bounds the worst case near 9 MB.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { token: string; claims: AccessTokenClaims }>();
  private mostRecent: string | undefined;

  constructor(private readonly maxEntries: number) {}

  get(token: string, nowSeconds: number): AccessTokenClaims | undefined {
    const index = token.slice(-INDEX_CHARS);
    const entry = this.entries.get(index);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.claims.exp <= nowSeconds) {
      this.entries.delete(index);
      return undefined;
    }
    if (index !== this.mostRecent) {
      this.entries.delete(index);
      this.entries.set(index, entry); // most recently used last
      this.mostRecent = index;
    }
    return entry.claims;
  }

  set(token: string, claims: AccessTokenClaims): void {
    if (this.maxEntries <= 0) return;
    const index = token.slice(-INDEX_CHARS);
    this.entries.delete(index);
    this.entries.set(index, { token, claims });
    this.mostRecent = index;
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  clear(): void {
    this.entries.clear();
    this.mostRecent = undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}
