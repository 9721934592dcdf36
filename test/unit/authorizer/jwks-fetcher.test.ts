import { FetchError } from 'aws-jwt-verify/error';
import { JwksFetcher } from '../../../authorizer/jwks-fetcher';

describe('JwksFetcher', () => {
  it('a request that cannot even start fails as a FetchError, and leaves no timer to fire', async () => {
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    try {
      const fetcher = new JwksFetcher(20);
      // node:https throws before any request exists: not a URL it can parse.
      await expect(
        fetcher.fetch('https://exa mple.com/oauth2/default/v1/keys'),
      ).rejects.toBeInstanceOf(FetchError);
      // Past the time-out: a timer left armed would fire now and throw outside any promise.
      await new Promise((resolve) => setTimeout(resolve, 60));
      expect(uncaught).toEqual([]);
    } finally {
      process.off('uncaughtException', record);
    }
  });
});
