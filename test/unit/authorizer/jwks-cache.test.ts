import { FetchError } from 'aws-jwt-verify/error';
import type { DecomposedJwt } from 'aws-jwt-verify/jwt';
import { ResilientJwksCache } from '../../../authorizer/jwks-cache';
import { rsaKey } from '../../../testkit/tokens';

const URI = 'https://dev-123456.okta.com/oauth2/default/v1/keys';
const OPTIONS = { maxAgeMs: 600_000, backoffMs: 1000, maxBackoffMs: 30_000 };

let now = 1_000_000;
beforeEach(() => {
  now = 1_000_000;
  jest.spyOn(Date, 'now').mockImplementation(() => now);
});
afterEach(() => jest.restoreAllMocks());

/** A JWKS endpoint that answers with `jwks`, or fails while `down`; counts its requests. */
function endpoint(jwks: unknown) {
  const state = {
    down: false,
    requests: 0,
    fetch: async () => {
      state.requests += 1;
      if (state.down) throw new FetchError(URI, 'ECONNREFUSED');
      return new TextEncoder().encode(JSON.stringify(jwks)).buffer as ArrayBuffer;
    },
  };
  return state;
}

/** A cache in front of an endpoint publishing one key, reporting failed refreshes to a mock. */
async function cacheOfOneKey(kid: string) {
  const issuer = endpoint({ keys: [(await rsaKey(kid)).publicJwk] });
  const onStaleRefreshFailed = jest.fn();
  const cache = new ResilientJwksCache({ fetcher: issuer, ...OPTIONS, onStaleRefreshFailed });
  return { issuer, cache, onStaleRefreshFailed };
}

const jwtWithKid = (kid: string) =>
  ({ header: { alg: 'RS256', kid }, payload: {} }) as unknown as DecomposedJwt;

describe('after a failed fetch', () => {
  it('waits 1 s, then doubles the wait per failure up to 30 s, without asking the issuer meanwhile', async () => {
    const issuer = endpoint({ keys: [] });
    issuer.down = true;
    const cache = new ResilientJwksCache({ fetcher: issuer, ...OPTIONS });
    const waits = [1000, 2000, 4000, 8000, 16_000, 30_000, 30_000];
    await expect(cache.getJwks(URI)).rejects.toThrow(/ECONNREFUSED/);
    for (const wait of waits) {
      const requests = issuer.requests;
      now += wait - 1;
      await expect(cache.getJwks(URI)).rejects.toThrow(
        `Not refetching for 1 ms after a failed fetch`,
      );
      expect(issuer.requests).toBe(requests);
      now += 1;
      await expect(cache.getJwks(URI)).rejects.toThrow(/ECONNREFUSED/);
      expect(issuer.requests).toBe(requests + 1);
    }
  });

  it('a successful fetch ends the back-off: the next failure waits 1 s again', async () => {
    const issuer = endpoint({ keys: [] });
    const cache = new ResilientJwksCache({ fetcher: issuer, ...OPTIONS });
    issuer.down = true;
    await cache.getJwks(URI).catch(() => undefined);
    now += 1000;
    await cache.getJwks(URI).catch(() => undefined); // the second failure: 2 s next
    now += 2000;
    issuer.down = false;
    await expect(cache.getJwks(URI)).resolves.toEqual({ keys: [] });
    issuer.down = true;
    await cache.getJwks(URI).catch(() => undefined);
    now += 1000;
    const requests = issuer.requests;
    await cache.getJwks(URI).catch(() => undefined);
    expect(issuer.requests).toBe(requests + 1);
  });
});

describe('freshness', () => {
  it('a JWKS is fresh from its fetch until it is 10 minutes old, and never before a fetch', async () => {
    const cache = new ResilientJwksCache({ fetcher: endpoint({ keys: [] }), ...OPTIONS });
    expect(cache.isFresh(URI)).toBe(false);
    await cache.getJwks(URI);
    expect(cache.isFresh(URI)).toBe(true);
    now += 600_000;
    expect(cache.isFresh(URI)).toBe(true);
    now += 1;
    expect(cache.isFresh(URI)).toBe(false);
    expect(cache.isFresh(`${URI}/other`)).toBe(false);
  });

  it('tells whoever listens after each successful fetch, and only then', async () => {
    const issuer = endpoint({ keys: [] });
    const onFetched = jest.fn();
    const cache = new ResilientJwksCache({ fetcher: issuer, ...OPTIONS, onFetched });
    await cache.getJwks(URI);
    issuer.down = true;
    now += 600_001;
    await cache.getJwks(URI).catch(() => undefined);
    expect(onFetched).toHaveBeenCalledTimes(1);
  });
});

describe('looking up a key', () => {
  it('refetches a stale JWKS first, so a key the issuer removed stops working', async () => {
    const old = await rsaKey('old');
    const issuer = endpoint({ keys: [old.publicJwk] });
    const cache = new ResilientJwksCache({ fetcher: issuer, ...OPTIONS });
    await expect(cache.getJwk(URI, jwtWithKid('old'))).resolves.toMatchObject({ kid: 'old' });
    now += 600_000;
    await cache.getJwk(URI, jwtWithKid('old'));
    expect(issuer.requests).toBe(1);
    now += 1;
    await cache.getJwk(URI, jwtWithKid('old'));
    expect(issuer.requests).toBe(2);
  });

  it('keeps serving the cached keys when that refresh fails, and reports the failure', async () => {
    const { issuer, cache, onStaleRefreshFailed } = await cacheOfOneKey('k');
    await cache.getJwk(URI, jwtWithKid('k'));
    issuer.down = true;
    now += 600_001;
    await expect(cache.getJwk(URI, jwtWithKid('k'))).resolves.toMatchObject({ kid: 'k' });
    expect(onStaleRefreshFailed).toHaveBeenCalledWith(expect.any(FetchError), URI);
    expect(issuer.requests).toBe(2);
  });

  it('fetches the JWKS the first time without calling it a failed refresh', async () => {
    const { issuer, cache, onStaleRefreshFailed } = await cacheOfOneKey('k');
    await expect(cache.getJwk(URI, jwtWithKid('k'))).resolves.toMatchObject({ kid: 'k' });
    expect(issuer.requests).toBe(1);
    expect(onStaleRefreshFailed).not.toHaveBeenCalled();
  });
});
