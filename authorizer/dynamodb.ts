/**
 * DynamoDB's PutItem, the replay store's one call, without the AWS SDK: signed with Signature
 * Version 4 by aws4, sent with node:https (which the JWKS fetch loads anyway) over a keep-alive
 * agent. The SDK took about 100 ms to load at each cold start of a function that runs on every
 * request; this takes a few (BENCHMARKS.md). What the SDK gave that the authorizer relies on is
 * kept: credentials from the Lambda environment (session token included), the regional endpoint
 * or AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL, retries of throttling, 5xx and network failures
 * with capped exponential backoff and full jitter, all within a time budget, a timeout per attempt,
 * and DynamoDB's error type on every refusal.
 */
import { Agent as HttpAgent, type IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { sign } from 'aws4';

/** DynamoDB refused, could not be reached, or answered what DynamoDB does not. */
export class DynamoDbError extends Error {
  override name = 'DynamoDbError';
  constructor(
    /** DynamoDB's error type (`ConditionalCheckFailedException`), or ours (`TimeoutError`, ...). */
    readonly code: string,
    message: string,
    /** Whether another attempt may succeed: throttling, 5xx, network failures and timeouts. */
    readonly retryable: boolean,
    readonly status?: number,
  ) {
    super(message);
  }
}

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Each attempt's timeout, from the request to the whole answer. */
  attemptTimeoutMs: number;
  /** All attempts and the waits between them end within this. */
  budgetMs: number;
  /** The backoff before attempt n+1 is a random wait up to min(maxDelayMs, baseDelayMs * 2^n). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * Three attempts, as the SDK's standard mode; 1 s each and 3 s in all, well inside the DPoP
 * authorizer's 6 s timeout with the JWKS fetch's 2 s beside it.
 */
export const DEFAULT_RETRY: RetryPolicy = {
  maxAttempts: 3,
  attemptTimeoutMs: 1000,
  budgetMs: 3000,
  baseDelayMs: 25,
  maxDelayMs: 500,
};

export interface DynamoDbOptions {
  region: string;
  endpoint: URL;
  /** Read at each request: the runtime may renew them. */
  credentials: () => Credentials;
  retry?: Partial<RetryPolicy>;
  /** For tests: a certificate authority to trust (over https), the jitter's source, the wait. */
  ca?: string;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The error types DynamoDB answers when a request was throttled (400s that succeed later). */
const THROTTLING = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
]);
/** More than PutItem ever answers: a longer body is not DynamoDB's. */
const MAX_BODY_BYTES = 64 * 1024;

/** The Lambda environment's region, endpoint and credentials (a role's: a session token too). */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): DynamoDbOptions {
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) {
    throw new DynamoDbError(
      'ConfigError',
      'AWS_REGION is not set: the Lambda runtime sets it.',
      false,
    );
  }
  const override = env.AWS_ENDPOINT_URL_DYNAMODB || env.AWS_ENDPOINT_URL;
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  let endpoint: URL;
  try {
    endpoint = new URL(override || `https://dynamodb.${region}.${suffix}`);
  } catch {
    throw new DynamoDbError(
      'ConfigError',
      `the DynamoDB endpoint ${override} is not a URL.`,
      false,
    );
  }
  return {
    region,
    endpoint,
    credentials: () => {
      const accessKeyId = env.AWS_ACCESS_KEY_ID;
      const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
      if (!accessKeyId || !secretAccessKey) {
        throw new DynamoDbError(
          'CredentialsError',
          'no AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): the Lambda runtime sets them.',
          false,
        );
      }
      return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN || undefined };
    },
  };
}

export class DynamoDb {
  private readonly retry: RetryPolicy;
  private readonly agent: HttpAgent;
  private readonly send: typeof httpsRequest;

  constructor(private readonly options: DynamoDbOptions) {
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
    const https = options.endpoint.protocol === 'https:';
    // One connection kept open between requests: the next claim skips TCP and TLS set-up.
    this.agent = https
      ? new HttpsAgent({ keepAlive: true, ...(options.ca && { ca: options.ca }) })
      : new HttpAgent({ keepAlive: true });
    this.send = https ? httpsRequest : httpRequest;
  }

  /** PutItem; resolves when DynamoDB wrote the item, rejects with a DynamoDbError otherwise. */
  async putItem(input: Record<string, unknown>): Promise<void> {
    const body = JSON.stringify(input);
    const deadline = Date.now() + this.retry.budgetMs;
    for (let attempt = 1; ; attempt += 1) {
      const timeoutMs = Math.min(this.retry.attemptTimeoutMs, deadline - Date.now());
      try {
        return await this.attempt(body, timeoutMs);
      } catch (error) {
        const failure = asDynamoDbError(error);
        if (!failure.retryable || attempt >= this.retry.maxAttempts) throw failure;
        const cap = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** attempt);
        const wait = (this.options.random ?? Math.random)() * cap;
        // No time left for another attempt after the wait: this failure is the answer.
        // Stryker disable next-line EqualityOperator: a wait ending exactly at the deadline leaves no time to attempt either way
        if (Date.now() + wait >= deadline) throw failure;
        await (this.options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))))(
          wait,
        );
      }
    }
  }

  private attempt(body: string, timeoutMs: number): Promise<void> {
    const { endpoint, region } = this.options;
    const signed = sign(
      {
        // aws4 signs a request with a body as POST.
        service: 'dynamodb',
        region,
        host: endpoint.host,
        path: endpoint.pathname,
        body,
        headers: {
          'Content-Type': 'application/x-amz-json-1.0',
          'X-Amz-Target': 'DynamoDB_20120810.PutItem',
        },
      },
      this.options.credentials(),
    );
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<void>((resolve, reject) => {
      const request = this.send(
        {
          protocol: endpoint.protocol,
          hostname: endpoint.hostname,
          port: endpoint.port,
          path: signed.path,
          method: 'POST',
          headers: signed.headers,
          agent: this.agent,
        },
        (response) => readAnswer(response).then(resolve, reject),
      );
      // The whole attempt, answer included: a server that hangs mid-answer times out too.
      timer = setTimeout(() => {
        request.destroy(
          new DynamoDbError('TimeoutError', `no answer within ${timeoutMs} ms`, true),
        );
      }, timeoutMs);
      request.on('error', (error) => reject(asDynamoDbError(error)));
      request.end(body);
    });
    // Stryker disable next-line ArrowFunction: a finished request's timer destroys nothing when it fires; clearing it frees the timer early
    return answered.finally(() => clearTimeout(timer));
  }
}

/** The answer: 200 with a JSON object, or DynamoDB's error (its `__type` and message). */
function readAnswer(response: IncomingMessage): Promise<void> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    response.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        response.destroy(
          new DynamoDbError('MalformedResponse', "an answer too long for DynamoDB's", false),
        );
        return;
      }
      chunks.push(chunk);
    });
    response.on('end', () => {
      const status = response.statusCode as number;
      const parsed = parseObject(Buffer.concat(chunks).toString('utf8'));
      if (status === 200) {
        if (parsed) resolve();
        else
          reject(
            new DynamoDbError(
              'MalformedResponse',
              'a 200 answer that is not a JSON object',
              false,
              status,
            ),
          );
        return;
      }
      // `com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException`, or the header.
      const type = String(parsed?.__type ?? response.headers['x-amzn-errortype'] ?? '');
      const code = type.split('#').pop()?.split(':')[0] || `Http${status}`;
      const message = String(parsed?.message ?? parsed?.Message ?? `HTTP ${status}`);
      const retryable = status >= 500 || status === 429 || THROTTLING.has(code);
      reject(new DynamoDbError(code, message, retryable, status));
    });
  });
}

function parseObject(text: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: no object.
  }
  return value instanceof Object && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/** A network failure (refused, reset, unreachable) may pass at the next attempt. */
export function asDynamoDbError(error: unknown): DynamoDbError {
  if (error instanceof DynamoDbError) return error;
  const { code, message } = error as NodeJS.ErrnoException;
  return new DynamoDbError(code ?? 'NetworkError', message, true);
}
