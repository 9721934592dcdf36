import { type ClientRequest, request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { FetchError, NonRetryableFetchError } from 'aws-jwt-verify/error';
import type { Fetcher } from 'aws-jwt-verify/https';

/** A JWKS is a few KB; anything this large is not one. */
const MAX_BYTES = 1024 * 1024;

/**
 * Fetches the JWKS with a hard time-out for the whole exchange. aws-jwt-verify's own fetcher speaks
 * https only; this one also reaches the local issuer on loopback http (config allows http nowhere
 * else). node:http(s) rather than fetch(): the first fetch() initialises undici, some 25 ms of
 * cold start.
 */
export class JwksFetcher implements Fetcher {
  constructor(private readonly timeoutMs: number) {}

  fetch(uri: string): Promise<ArrayBuffer> {
    return new Promise((resolve, reject) => {
      const request = uri.startsWith('http:') ? httpRequest : httpsRequest;
      let req: ClientRequest;
      try {
        req = request(
          uri,
          { headers: { accept: 'application/json' } },
          (response: IncomingMessage) => {
            if (response.statusCode !== 200) {
              // Stryker disable next-line BlockStatement,CallExpression: fail() destroys the request and its socket right after
              response.resume();
              fail(
                new NonRetryableFetchError(
                  uri,
                  `Status code is ${response.statusCode}, expected 200`,
                ),
              );
              return;
            }
            const chunks: Buffer[] = [];
            let size = 0;
            response.on('data', (chunk: Buffer) => {
              size += chunk.length;
              if (size > MAX_BYTES)
                fail(new NonRetryableFetchError(uri, `Response is over ${MAX_BYTES} bytes`));
              else chunks.push(chunk);
            });
            response.on('error', fail);
            response.on('end', () => {
              clearTimeout(timer);
              const body = Buffer.concat(chunks);
              resolve(
                body.buffer.slice(
                  body.byteOffset,
                  body.byteOffset + body.byteLength,
                ) as ArrayBuffer,
              );
            });
          },
        );
      } catch (error) {
        // A request that cannot even start (an unparsable URI): nothing to time out.
        return reject(new FetchError(uri, (error as Error).message));
      }
      // Armed only once there is a request for it to end. The callbacks above run later.
      const timer = setTimeout(
        () => fail(new FetchError(uri, `timed out after ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        req.destroy();
        reject(error instanceof FetchError ? error : new FetchError(uri, error.message));
      };
      req.on('error', fail);
      req.end();
    });
  }
}
