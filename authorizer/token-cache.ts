import type { AccessTokenClaims } from './verifier';

/** Enough of the signature to tell tokens apart (256 random bits), short enough to hash fast. */
const INDEX_CHARS = 43;

interface Entry {
  token: string;
  claims: AccessTokenClaims;
}

/**
 * Tokens this container has verified. A client-credentials client reuses one token for up to an
 * hour, so most requests are repeats: a hit skips the signature check but nothing else (the
 * caller rechecks the route's scopes; expiry is rechecked here). Only successful verifications
 * are recorded.
 *
 * - An entry matches only the very same token, compared whole. It is found by a hash of the end
 *   of its signature: hashing a whole 1 KB token for a Map lookup costs more than the rest of a hit.
 * - A token is admitted on its second verification; the first only notes its hash. Tokens seen
 *   once then cost nothing to keep or evict, and cannot push out the ones in use.
 * - Past `maxEntries`, the least recently used entry goes.
 *
 * Memory: at most `maxEntries` tokens plus `4 × maxEntries` numbers. Okta access tokens are about
 * 1 KB, so 1,000 entries hold about 1.5 MB; the authorizer refuses headers over 8 KB, which bounds
 * the worst case near 9 MB.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<number, Entry>();
  private readonly seenOnce = new Set<number>();
  private mostRecent: number | undefined;

  constructor(private readonly maxEntries: number) {}

  get(token: string, nowSeconds: number): AccessTokenClaims | undefined {
    const key = tailHash(token);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.token !== token) return undefined;
    if (entry.claims.exp <= nowSeconds) {
      this.entries.delete(key);
      return undefined;
    }
    // Stryker disable next-line ConditionalExpression: a shortcut; moving the most recent entry to the end again changes nothing
    if (key !== this.mostRecent) {
      this.entries.delete(key);
      this.entries.set(key, entry); // most recently used last
      this.mostRecent = key;
    }
    return entry.claims;
  }

  /** Records a successful verification of `token`. */
  set(token: string, claims: AccessTokenClaims): void {
    const key = tailHash(token);
    if (!this.seenOnce.delete(key)) {
      if (this.seenOnce.size >= 4 * this.maxEntries) this.seenOnce.clear();
      this.seenOnce.add(key);
      return;
    }
    this.entries.delete(key);
    this.entries.set(key, { token, claims });
    this.mostRecent = key;
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as number);
    }
  }

  clear(): void {
    this.entries.clear();
    this.seenOnce.clear();
    this.mostRecent = undefined;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** FNV-1a over the token's last characters (its signature's, for a JWT), cut to 30 bits: a small integer, no allocation. */
function tailHash(token: string): number {
  let hash = 0x811c9dc5;
  // Stryker disable next-line MethodExpression,EqualityOperator: past either end charCodeAt is NaN (0 in the XOR): the hash only changes, and entries compare whole tokens
  for (let i = Math.max(0, token.length - INDEX_CHARS); i < token.length; i += 1) {
    hash = Math.imul(hash ^ token.charCodeAt(i), 0x01000193);
  }
  return hash & 0x3fffffff;
}
