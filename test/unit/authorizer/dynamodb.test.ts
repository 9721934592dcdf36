import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer as createTlsServer } from 'node:https';
import { generate } from 'selfsigned';
import {
  asDynamoDbError,
  DEFAULT_RETRY,
  DynamoDb,
  DynamoDbError,
  type DynamoDbOptions,
  optionsFromEnv,
} from '../../../authorizer/dynamodb';

// The DPoP authorizer's DynamoDB client (authorizer/dynamodb.ts) against a server that answers as
// DynamoDB does, or throttles, fails, hangs or answers garbage; dynalite holds it to the real
// protocol in replay-store.test.ts.
type Answer = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let endpoint: URL;
let answers: Answer[];
let received: { headers: IncomingMessage['headers']; body: string; socket: number }[];
const sockets = new Map<object, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (!sockets.has(req.socket)) sockets.set(req.socket, sockets.size);
      received.push({ headers: req.headers, body, socket: sockets.get(req.socket) as number });
      const answer = answers.shift() ?? ok;
      answer(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
afterAll(() => {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  answers = [];
  received = [];
});

const json =
  (status: number, body: unknown): Answer =>
  (_req, res) =>
    res
      .writeHead(status, { 'content-type': 'application/x-amz-json-1.0' })
      .end(JSON.stringify(body));
const ok = json(200, {});
const dynamoError = (status: number, type: string, message = type) =>
  json(status, { __type: `com.amazonaws.dynamodb.v20120810#${type}`, message });
const hang: Answer = () => undefined;

const credentials = () => ({
  accessKeyId: 'AKIDLOCAL',
  secretAccessKey: 'local',
  sessionToken: 'session-1',
});
function client(options: Partial<DynamoDbOptions> = {}) {
  return new DynamoDb({ endpoint, region: 'eu-west-1', credentials, random: () => 0, ...options });
}
const put = (db = client()) => db.putItem({ TableName: 't', Item: { id: { S: 'x' } } });

it('sends PutItem as DynamoDB takes it, signed with SigV4 for the region, the session token included', async () => {
  await put();
  const [{ headers, body }] = received as [(typeof received)[number]];
  expect(JSON.parse(body)).toEqual({ TableName: 't', Item: { id: { S: 'x' } } });
  expect(headers['x-amz-target']).toBe('DynamoDB_20120810.PutItem');
  expect(headers['content-type']).toBe('application/x-amz-json-1.0');
  expect(headers['x-amz-security-token']).toBe('session-1');
  expect(headers.authorization).toMatch(
    /^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/eu-west-1\/dynamodb\/aws4_request, SignedHeaders=[^,]*x-amz-security-token[^,]*, Signature=[0-9a-f]{64}$/,
  );
});

it('keeps its connection open: the next request goes over the same socket', async () => {
  const db = client();
  await put(db);
  await put(db);
  await put(db);
  expect(new Set(received.map((r) => r.socket)).size).toBe(1);
});

it('reads ConditionalCheckFailedException as such, and does not retry it', async () => {
  answers = [dynamoError(400, 'ConditionalCheckFailedException', 'The conditional request failed')];
  await expect(put()).rejects.toEqual(
    expect.objectContaining({
      code: 'ConditionalCheckFailedException',
      retryable: false,
      status: 400,
    }),
  );
  expect(received).toHaveLength(1);
});

it.each([
  ['ThrottlingException', 400],
  ['ProvisionedThroughputExceededException', 400],
  ['RequestLimitExceeded', 400],
  ['InternalServerError', 500],
  ['ServiceUnavailable', 503],
  // Any 429, whatever its type.
  ['TooManyRequests', 429],
])('retries %s (%i), and succeeds when DynamoDB does', async (type, status) => {
  answers = [dynamoError(status, type), dynamoError(status, type)];
  await expect(put()).resolves.toBeUndefined();
  expect(received).toHaveLength(3);
});

it('gives up after its attempts, with the last failure', async () => {
  answers = [
    dynamoError(500, 'InternalServerError'),
    dynamoError(500, 'InternalServerError'),
    dynamoError(503, 'ServiceUnavailable', 'down'),
  ];
  await expect(put()).rejects.toEqual(
    expect.objectContaining({ code: 'ServiceUnavailable', message: 'down', retryable: true }),
  );
  expect(received).toHaveLength(DEFAULT_RETRY.maxAttempts);
});

it('does not retry a refusal that would be refused again', async () => {
  answers = [dynamoError(400, 'ValidationException', 'One or more parameter values were invalid')];
  await expect(put()).rejects.toMatchObject({ code: 'ValidationException', retryable: false });
  answers = [dynamoError(400, 'ResourceNotFoundException')];
  await expect(put()).rejects.toMatchObject({ code: 'ResourceNotFoundException' });
  expect(received).toHaveLength(2);
});

it('times out an attempt that hangs, retries it, and stays within its budget', async () => {
  answers = [hang, hang, hang];
  const db = client({ retry: { attemptTimeoutMs: 300, budgetMs: 350 } });
  const started = Date.now();
  await expect(put(db)).rejects.toMatchObject({
    code: 'TimeoutError',
    retryable: true,
    message: expect.stringMatching(/^no answer within \d+ ms$/),
  });
  // 300 ms, then the 50 ms left: not two attempts of 300 ms.
  expect(received).toHaveLength(2);
  expect(Date.now() - started).toBeGreaterThanOrEqual(340);
  expect(Date.now() - started).toBeLessThan(560);
});

it('times out an answer that stops halfway', async () => {
  answers = [(_req, res) => res.writeHead(200).write('{'), ok];
  await expect(put(client({ retry: { attemptTimeoutMs: 100 } }))).resolves.toBeUndefined();
  expect(received).toHaveLength(2);
});

it.each([
  [
    'a 200 that is not JSON',
    (_req: IncomingMessage, res: ServerResponse) => res.writeHead(200).end('<html>'),
  ],
  ['a 200 with a JSON array', json(200, [])],
  ['a 200 with JSON null', json(200, null)],
  ['a 200 with a JSON string', json(200, 'ok')],
  ['a 200 with a JSON number', json(200, 42)],
])(
  'fails closed on %s, without retrying: the write is not known to be done',
  async (_name, answer) => {
    answers = [answer];
    await expect(put()).rejects.toMatchObject({
      code: 'MalformedResponse',
      retryable: false,
      message: 'a 200 answer that is not a JSON object',
    });
    expect(received).toHaveLength(1);
  },
);

it('reads an error without a JSON body by its status, and its type from the header', async () => {
  answers = [
    (_req, res) => res.writeHead(502).end('Bad Gateway'),
    (_req, res) =>
      res
        .writeHead(400, { 'x-amzn-ErrorType': 'AccessDeniedException:http://internal' })
        .end('nope'),
  ];
  await expect(put(client({ retry: { maxAttempts: 1 } }))).rejects.toMatchObject({
    code: 'Http502',
    message: 'HTTP 502',
    retryable: true,
    status: 502,
  });
  await expect(put()).rejects.toMatchObject({ code: 'AccessDeniedException', retryable: false });
});

it('refuses an answer longer than any DynamoDB gives (64 KiB), and takes one of 64 KiB', async () => {
  const sized = (bytes: number) => `{"x":"${'a'.repeat(bytes - 8)}"}`;
  expect(sized(64 * 1024)).toHaveLength(64 * 1024);
  answers = [(_req, res) => res.writeHead(200).end(sized(64 * 1024 + 1))];
  await expect(put()).rejects.toMatchObject({
    code: 'MalformedResponse',
    message: expect.stringMatching(/too long/),
  });
  answers = [(_req, res) => res.writeHead(200).end(sized(64 * 1024))];
  await expect(put()).resolves.toBeUndefined();
});

it('over https: signed and sent the same way, over one kept-open connection', async () => {
  const certificate = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const seen = new Set<object>();
  const tls = createTlsServer({ key: certificate.private, cert: certificate.cert }, (req, res) => {
    seen.add(req.socket);
    req.resume().on('end', () => ok(req, res, ''));
  });
  await new Promise<void>((resolve) => tls.listen(0, '127.0.0.1', resolve));
  try {
    const db = new DynamoDb({
      endpoint: new URL(`https://127.0.0.1:${(tls.address() as AddressInfo).port}`),
      region: 'eu-west-1',
      credentials,
      ca: certificate.cert,
    });
    await put(db);
    await put(db);
    await put(db);
    expect(seen.size).toBe(1);
  } finally {
    tls.closeAllConnections();
    await new Promise((resolve) => tls.close(resolve));
  }
});

it('reads a network failure without a code as a network error, to be retried', () => {
  expect(asDynamoDbError(new Error('socket closed'))).toMatchObject({
    code: 'NetworkError',
    message: 'socket closed',
    retryable: true,
  });
  const refusal = new DynamoDbError('ValidationException', 'no', false);
  expect(asDynamoDbError(refusal)).toBe(refusal);
});

it('retries a refused connection, then fails with its code', async () => {
  const closed = new DynamoDb({
    endpoint: new URL('http://127.0.0.1:1'),
    region: 'eu-west-1',
    credentials,
    random: () => 0,
  });
  await expect(put(closed)).rejects.toMatchObject({ code: 'ECONNREFUSED', retryable: true });
});

it('waits a random part of a capped, doubling backoff between attempts', async () => {
  const waits: number[] = [];
  const sleep = async (ms: number) => void waits.push(ms);
  answers = [dynamoError(500, 'InternalServerError'), dynamoError(500, 'InternalServerError')];
  await put(client({ random: () => 1, sleep, retry: { baseDelayMs: 40, maxDelayMs: 100 } }));
  // min(100, 40 * 2), min(100, 40 * 4): the cap.
  expect(waits).toEqual([80, 100]);
  answers = [dynamoError(500, 'InternalServerError')];
  await put(client({ random: () => 0.25, sleep, retry: { baseDelayMs: 40, maxDelayMs: 100 } }));
  expect(waits.at(-1)).toBe(20);
});

it('really waits between attempts when nothing is injected', async () => {
  answers = [dynamoError(500, 'InternalServerError')];
  const started = Date.now();
  await put(client({ random: () => 1, retry: { baseDelayMs: 50, maxDelayMs: 1000 } }));
  // min(1000, 50 * 2) ms of backoff before the second attempt.
  expect(Date.now() - started).toBeGreaterThanOrEqual(95);
});

it('does not wait past its budget: the failure is the answer when no attempt would fit', async () => {
  const waits: number[] = [];
  answers = [dynamoError(500, 'InternalServerError')];
  const db = client({
    random: () => 1,
    sleep: async (ms) => void waits.push(ms),
    retry: { baseDelayMs: 1000, maxDelayMs: 1000, budgetMs: 500 },
  });
  await expect(put(db)).rejects.toMatchObject({ code: 'InternalServerError' });
  expect(waits).toEqual([]);
  expect(received).toHaveLength(1);
});

describe('settings from the Lambda environment', () => {
  const env = {
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKID',
    AWS_SECRET_ACCESS_KEY: 's',
    AWS_SESSION_TOKEN: 't',
  };

  it('the regional endpoint, or the one AWS_ENDPOINT_URL_DYNAMODB, then AWS_ENDPOINT_URL, names', () => {
    expect(optionsFromEnv(env).endpoint.href).toBe('https://dynamodb.eu-west-1.amazonaws.com/');
    expect(optionsFromEnv({ ...env, AWS_REGION: 'cn-north-1' }).endpoint.href).toBe(
      'https://dynamodb.cn-north-1.amazonaws.com.cn/',
    );
    expect(optionsFromEnv({ ...env, AWS_REGION: '', AWS_DEFAULT_REGION: 'us-west-2' }).region).toBe(
      'us-west-2',
    );
    expect(
      optionsFromEnv({ ...env, AWS_ENDPOINT_URL: 'http://127.0.0.1:8000' }).endpoint.href,
    ).toBe('http://127.0.0.1:8000/');
    expect(
      optionsFromEnv({
        ...env,
        AWS_ENDPOINT_URL: 'http://127.0.0.1:8000',
        AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9000',
      }).endpoint.href,
    ).toBe('http://127.0.0.1:9000/');
  });

  it("the role's credentials, session token included, read at each request", () => {
    const live = { ...env };
    const { credentials } = optionsFromEnv(live);
    expect(credentials()).toEqual({ accessKeyId: 'AKID', secretAccessKey: 's', sessionToken: 't' });
    live.AWS_SESSION_TOKEN = 'renewed';
    expect(credentials().sessionToken).toBe('renewed');
  });

  it.each([
    [{ ...env, AWS_REGION: '' }, 'ConfigError', /AWS_REGION/],
    [{ ...env, AWS_ENDPOINT_URL_DYNAMODB: 'not a url' }, 'ConfigError', /not a URL/],
  ])('refuses a setting it cannot use, in one line', (bad, code, message) => {
    expect(() => optionsFromEnv(bad)).toThrow(
      expect.objectContaining({ code, retryable: false, message: expect.stringMatching(message) }),
    );
  });

  it('without credentials a request fails closed, never unsigned', async () => {
    const db = new DynamoDb({ ...optionsFromEnv({ AWS_REGION: 'eu-west-1' }), endpoint });
    await expect(put(db)).rejects.toEqual(expect.any(DynamoDbError));
    await expect(put(db)).rejects.toMatchObject({
      code: 'CredentialsError',
      retryable: false,
      message: expect.stringMatching(/AWS_ACCESS_KEY_ID/),
    });
    expect(received).toHaveLength(0);
  });
});
