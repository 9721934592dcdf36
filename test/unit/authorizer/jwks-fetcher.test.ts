import { createServer, type IncomingHttpHeaders, type RequestListener } from 'node:http';
import { globalAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import { JwksFetcher } from '../../../authorizer/jwks-fetcher';
import { type JwksServer, startJwksServer } from '../../../testkit/jwks-server';

const MB = 1024 * 1024;
const text = (buffer: ArrayBuffer) => Buffer.from(buffer).toString();

/** A loopback JWKS endpoint answering with `answer`; `close` also ends open connections. */
async function listening(answer: RequestListener) {
  const server = createServer(answer);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/oauth2/default/v1/keys`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Answers every request with `status` and `body`, sent in `chunks` pieces. */
async function serve(status: number, body: string, chunks = 1) {
  const seen: IncomingHttpHeaders[] = [];
  const server = await listening((req, res) => {
    seen.push(req.headers);
    res.writeHead(status, { 'content-type': 'application/json' });
    const size = Math.ceil(body.length / chunks);
    for (let i = 0; i < body.length; i += size) res.write(body.slice(i, i + size));
    res.end();
  });
  return { ...server, seen };
}

describe('JwksFetcher', () => {
  let issuer: JwksServer;
  const savedCa = globalAgent.options.ca;
  beforeAll(async () => {
    // As a real Okta org serves its keys: https, with a certificate the client trusts.
    issuer = await startJwksServer([{ kty: 'RSA', kid: 'k1', n: 'AQAB', e: 'AQAB' }], {
      tls: true,
    });
    globalAgent.options.ca = issuer.ca;
  });
  afterAll(async () => {
    globalAgent.options.ca = savedCa;
    await issuer.close();
  });

  it('fetches an https JWKS over TLS', async () => {
    const body = text(await new JwksFetcher(2000).fetch(issuer.jwksUri));
    expect(JSON.parse(body)).toEqual({ keys: issuer.keys });
    expect(issuer.requests).toBe(1);
  });

  it('refuses an https JWKS whose certificate it does not trust', async () => {
    globalAgent.options.ca = undefined;
    try {
      await expect(new JwksFetcher(2000).fetch(issuer.jwksUri)).rejects.toBeInstanceOf(FetchError);
    } finally {
      globalAgent.options.ca = issuer.ca;
    }
  });

  it('fetches a loopback http JWKS, asking for JSON, and returns the body byte for byte', async () => {
    const body = JSON.stringify({ keys: [{ kid: 'é-ü', n: 'x'.repeat(5000) }] });
    const server = await serve(200, body, 7);
    try {
      const fetched = await new JwksFetcher(2000).fetch(server.uri);
      expect(fetched).toBeInstanceOf(ArrayBuffer);
      expect(text(fetched)).toBe(body);
      expect(server.seen[0]?.accept).toBe('application/json');
    } finally {
      await server.close();
    }
  });

  it('returns exactly the body even when it is tiny (a pooled buffer)', async () => {
    const server = await serve(200, '{"keys":[]}');
    try {
      const fetched = await new JwksFetcher(2000).fetch(server.uri);
      expect(fetched.byteLength).toBe(11);
      expect(text(fetched)).toBe('{"keys":[]}');
    } finally {
      await server.close();
    }
  });

  it.each([404, 500, 503, 201, 302])(
    'a status %i is a failed fetch that is not retried',
    async (status) => {
      const server = await serve(status, '{"keys":[]}');
      try {
        const fetching = new JwksFetcher(2000).fetch(server.uri);
        await expect(fetching).rejects.toBeInstanceOf(NonRetryableFetchError);
        await expect(fetching).rejects.toThrow(`Status code is ${status}, expected 200`);
      } finally {
        await server.close();
      }
    },
  );

  it('accepts a JWKS of exactly 1 MB, and refuses one byte more without reading it all', async () => {
    const exact = await serve(200, 'x'.repeat(MB), 16);
    const over = await serve(200, 'x'.repeat(MB + 1), 16);
    try {
      expect((await new JwksFetcher(5000).fetch(exact.uri)).byteLength).toBe(MB);
      const fetching = new JwksFetcher(5000).fetch(over.uri);
      await expect(fetching).rejects.toBeInstanceOf(NonRetryableFetchError);
      await expect(fetching).rejects.toThrow(`Response is over ${MB} bytes`);
    } finally {
      await exact.close();
      await over.close();
    }
  });

  it('gives up on a JWKS that does not answer in time', async () => {
    const silent = await listening(() => undefined);
    try {
      const fetching = new JwksFetcher(100).fetch(silent.uri);
      await expect(fetching).rejects.toBeInstanceOf(FetchError);
      await expect(fetching).rejects.toThrow(/timed out after 100 ms/);
    } finally {
      await silent.close();
    }
  });

  it('a connection cut in the middle of the body is a FetchError, not a crash', async () => {
    const cut = await listening((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('{"keys": [');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    try {
      const fetching = new JwksFetcher(2000).fetch(cut.uri);
      await expect(fetching).rejects.toBeInstanceOf(FetchError);
      // Said when the connection broke, not after the time-out.
      await expect(fetching).rejects.not.toThrow(/timed out/);
    } finally {
      await cut.close();
    }
  });

  it('leaves no timer behind once the JWKS has arrived', async () => {
    const server = await serve(200, '{"keys":[]}');
    const set = jest.spyOn(global, 'setTimeout');
    const clear = jest.spyOn(global, 'clearTimeout');
    try {
      await new JwksFetcher(60_000).fetch(server.uri);
      const armed = set.mock.calls.findIndex(([, ms]) => ms === 60_000);
      expect(armed).toBeGreaterThanOrEqual(0);
      expect(clear).toHaveBeenCalledWith(set.mock.results[armed]?.value);
    } finally {
      set.mockRestore();
      clear.mockRestore();
      await server.close();
    }
  });

  it('a refused connection is a FetchError (retried later), not a crash', async () => {
    const server = await serve(200, '{}');
    await server.close();
    await expect(new JwksFetcher(2000).fetch(server.uri)).rejects.toBeInstanceOf(FetchError);
    await expect(new JwksFetcher(2000).fetch(server.uri)).rejects.not.toBeInstanceOf(
      NonRetryableFetchError,
    );
  });

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
