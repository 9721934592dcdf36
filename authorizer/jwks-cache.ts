import { FetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';
import { type Jwks, type JwkWithKid, SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';

export interface JwksCacheOptions {
  fetcher: Fetcher;
  /** Refetch a JWKS older than this, so a key the issuer removed stops being trusted. */
  maxAgeMs: number;
  /** After a failed fetch, wait this long before the next one, doubling up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  onStaleRefreshFailed?: (error: unknown, jwksUri: string) => void;
  /** Called after every successful fetch: what was verified against the old keys may no longer hold. */
  onFetched?: () => void;
}

/**
 * aws-jwt-verify's cache, plus two things it leaves out:
 * - it keeps a JWKS forever: this one refetches it once it is `maxAgeMs` old (if that fails, the
 *   cached keys keep serving: an unreachable issuer says nothing about its keys);
 * - its penalty box paces refetches for unknown kids but not failed fetches: this one backs off
 *   after a failure (down, slow, garbage), so an outage plus a stream of unknown kids does not
 *   turn into a stream of requests to the issuer.
 */
export class ResilientJwksCache extends SimpleJwksCache {
  private readonly fetchedAt = new Map<string, number>();
  private failures = 0;
  private retryAt = 0;

  constructor(private readonly options: JwksCacheOptions) {
    super({ fetcher: options.fetcher });
  }

  override async getJwks(jwksUri: string): Promise<Jwks> {
    if (Date.now() < this.retryAt) {
      throw new FetchError(
        jwksUri,
        `Not refetching for ${this.retryAt - Date.now()} ms after a failed fetch`,
      );
    }
    try {
      const jwks = await super.getJwks(jwksUri);
      this.fetchedAt.set(jwksUri, Date.now());
      this.failures = 0;
      this.retryAt = 0;
      this.options.onFetched?.();
      return jwks;
    } catch (error) {
      const backoff = Math.min(
        this.options.backoffMs * 2 ** this.failures,
        this.options.maxBackoffMs,
      );
      this.failures += 1;
      this.retryAt = Date.now() + backoff;
      throw error;
    }
  }

  /** Cached and younger than `maxAgeMs`: safe to verify against synchronously. */
  isFresh(jwksUri: string): boolean {
    const fetchedAt = this.fetchedAt.get(jwksUri);
    return fetchedAt !== undefined && Date.now() - fetchedAt <= this.options.maxAgeMs;
  }

  override async getJwk(jwksUri: string, decomposedJwt: DecomposedJwt): Promise<JwkWithKid> {
    if (this.fetchedAt.has(jwksUri) && !this.isFresh(jwksUri)) {
      await this.getJwks(jwksUri).catch((error: unknown) =>
        this.options.onStaleRefreshFailed?.(error, jwksUri),
      );
    }
    return super.getJwk(jwksUri, decomposedJwt);
  }
}
