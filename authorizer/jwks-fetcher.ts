import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';

/**
 * Fetches the JWKS with a hard time-out. aws-jwt-verify's own fetcher speaks https only;
 * this one also reaches the local issuer on loopback http (config allows http nowhere else).
 */
export class JwksFetcher implements Fetcher {
  constructor(private readonly timeoutMs: number) {}

  async fetch(uri: string): Promise<ArrayBuffer> {
    let response: Response;
    try {
      response = await fetch(uri, {
        headers: { accept: 'application/json' },
        redirect: 'error',
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const cause =
        err instanceof Error && err.name === 'TimeoutError'
          ? `timed out after ${this.timeoutMs} ms`
          : String(err);
      throw new FetchError(uri, cause);
    }
    if (response.status !== 200) {
      await response.body?.cancel();
      throw new NonRetryableFetchError(uri, `Status code is ${response.status}, expected 200`);
    }
    return response.arrayBuffer();
  }
}
