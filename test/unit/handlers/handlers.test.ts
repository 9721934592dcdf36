import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { parseOrigins } from '../../../settings/cors';
import { withEnv } from '../../../testkit/env';

type Handler = (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>;

function load(
  name: 'hello' | 'whoami' | 'messages' | 'post-message',
  corsOrigins?: string,
): Handler {
  return withEnv({ CORS_ORIGINS: corsOrigins }, () => {
    let handler: Handler | undefined;
    jest.isolateModules(() => {
      // Spelled out, not a template: jest (and so Stryker) sees which handler each test loads.
      const modules = {
        hello: () => require('../../../handlers/hello'),
        whoami: () => require('../../../handlers/whoami'),
        messages: () => require('../../../handlers/messages'),
        'post-message': () => require('../../../handlers/post-message'),
      };
      handler = (modules[name]() as { handler: Handler }).handler;
    });
    return handler as Handler;
  });
}

const event = (authorizer?: Record<string, unknown>, headers: Record<string, string> = {}) =>
  ({ headers, requestContext: { authorizer } }) as unknown as APIGatewayProxyEvent;

describe('hello', () => {
  it('answers 200 JSON with CORS, token or not', async () => {
    const result = await load('hello')(event());
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': '*',
    });
    expect(JSON.parse(result.body)).toEqual({ message: expect.stringContaining('Hello') });
  });
});

describe('whoami', () => {
  const context = {
    sub: 'svc',
    cid: 'svc',
    scope: 'AccessAll ReadOnly',
    issuer: 'https://x.okta.com/oauth2/default',
  };

  it('reads the context as API Gateway delivers it (every value a string)', async () => {
    const result = await load('whoami')(
      event({ ...context, exp: '1800000000', principalId: 'svc' }),
    );
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({ 'Cache-Control': 'no-store' });
    expect(JSON.parse(result.body)).toEqual({
      sub: 'svc',
      cid: 'svc',
      scopes: ['AccessAll', 'ReadOnly'],
      issuer: context.issuer,
      expiresAt: '2027-01-15T08:00:00.000Z',
    });
  });

  it('reads the context as serverless-offline delivers it (numbers kept, scopes overwritten)', async () => {
    const result = await load('whoami')(
      event({ ...context, uid: '00u1', exp: 1800000000, scopes: ['AccessAll'] }),
    );
    expect(JSON.parse(result.body)).toMatchObject({
      uid: '00u1',
      scopes: ['AccessAll', 'ReadOnly'],
      expiresAt: '2027-01-15T08:00:00.000Z',
    });
  });

  it('fails closed with a 500 when no authorizer ran', async () => {
    const result = await load('whoami')(event(undefined));
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('svc');
    const noContext = { headers: {} } as unknown as APIGatewayProxyEvent;
    expect((await load('whoami')(noContext)).statusCode).toBe(500);
  });

  it.each([
    ['no sub', { ...context, sub: undefined, exp: '1800000000' }],
    ['an empty sub', { ...context, sub: '', exp: '1800000000' }],
    ['a sub that is not text', { ...context, sub: true, exp: '1800000000' }],
    ['no issuer', { ...context, issuer: undefined, exp: '1800000000' }],
    ['no expiry', { ...context }],
    ['an expiry that is not a number', { ...context, exp: 'soon' }],
  ])('fails closed with a 500 on a context with %s', async (_name, authorizer) => {
    const result = await load('whoami')(event(authorizer));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ message: 'Internal server error' });
  });

  it('names no scopes, client or user the context does not carry', async () => {
    const result = await load('whoami')(
      event({ sub: 42, issuer: context.issuer, exp: '1800000000', cid: '', uid: '' }),
    );
    expect(JSON.parse(result.body)).toEqual({
      sub: '42',
      scopes: [],
      issuer: context.issuer,
      expiresAt: '2027-01-15T08:00:00.000Z',
    });
  });
});

describe('messages', () => {
  const context = (scope: string) => ({
    sub: 'svc',
    scope,
    issuer: 'https://x.okta.com/oauth2/default',
    exp: '1800000000',
  });

  it('lists the messages and who asked, with the scopes of the route that let them in', async () => {
    const result = await load('messages')(event(context('openid ReadOnly email')));
    expect(result.statusCode).toBe(200);
    expect(result.headers).toMatchObject({
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': '*',
    });
    const body = JSON.parse(result.body);
    expect(body.messages.map((m: { id: number }) => m.id)).toEqual([1, 2, 3]);
    for (const message of body.messages) expect(message.text).toMatch(/^[A-Z].{20,}\.$/);
    expect(body.requestedBy).toEqual({ sub: 'svc', scopes: ['ReadOnly'] });
  });

  it('names both scopes when the token has both', async () => {
    const result = await load('messages')(event(context('AccessAll ReadOnly')));
    expect(JSON.parse(result.body).requestedBy.scopes).toEqual(['AccessAll', 'ReadOnly']);
  });

  it('fails closed with a 500 when no authorizer ran', async () => {
    const result = await load('messages')(event(undefined));
    expect(result.statusCode).toBe(500);
    expect(JSON.parse(result.body)).toEqual({ message: 'Internal server error' });
    const noContext = { headers: {} } as unknown as APIGatewayProxyEvent;
    expect((await load('messages')(noContext)).statusCode).toBe(500);
  });
});

describe('CORS headers on handler responses', () => {
  const origins = 'https://app.example.com,https://admin.example.com';

  it('echoes an allowed Origin and varies on it', async () => {
    const result = await load(
      'hello',
      origins,
    )(event(undefined, { origin: 'https://admin.example.com' }));
    expect(result.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://admin.example.com',
      Vary: 'Origin',
    });
  });

  it('varies on Origin but names none when the request has no Origin', async () => {
    const result = await load('hello', origins)(event(undefined, {}));
    expect(result.headers).toEqual({ 'Content-Type': 'application/json', Vary: 'Origin' });
    const withoutHeaders = { requestContext: {} } as unknown as APIGatewayProxyEvent;
    expect((await load('hello', origins)(withoutHeaders)).headers).toEqual({
      'Content-Type': 'application/json',
      Vary: 'Origin',
    });
  });

  it('with *, names * whatever the Origin, and does not vary', async () => {
    const result = await load('hello', '*')(event(undefined, { ORIGIN: 'https://a.example.com' }));
    expect(result.headers).toEqual({
      'Content-Type': 'application/json',
      'Access-Control-Allow-Origin': '*',
    });
  });

  it('reads the Origin header in any case, and ignores other headers', async () => {
    const result = await load(
      'hello',
      origins,
    )(
      event(undefined, {
        Referer: 'https://admin.example.com/page',
        ORIGIN: 'https://app.example.com',
      }),
    );
    expect(result.headers).toMatchObject({
      'Access-Control-Allow-Origin': 'https://app.example.com',
    });
  });

  it('names no origin for one that is not allowed', async () => {
    const result = await load(
      'hello',
      origins,
    )(event(undefined, { Origin: 'https://evil.example.com' }));
    expect(result.headers).not.toHaveProperty('Access-Control-Allow-Origin');
  });

  it.each([
    ['*,https://a.example.com', /mixes \*/],
    ['https://a.example.com/path', /not an origin/],
    ['a.example.com', /not an origin/],
    [' , ', /CORS_ORIGINS is empty/],
    ['ftp://a.example.com', /not an origin/],
    ['https://a.example.com:443', /not an origin/],
  ])('refuses CORS_ORIGINS=%p at cold start', (value, message) => {
    expect(() => load('hello', value)).toThrow(message);
  });
});

describe('parseOrigins', () => {
  it('reads *, the default, or a trimmed list of http(s) origins', () => {
    expect(parseOrigins(undefined)).toEqual(['*']);
    expect(parseOrigins(' * ')).toEqual(['*']);
    expect(parseOrigins(' https://a.example.com , http://localhost:8080,')).toEqual([
      'https://a.example.com',
      'http://localhost:8080',
    ]);
  });
});

describe('post-message (POST /api/messages, DPoP required)', () => {
  const jkt = 'UC6vEXv9-JPVqV7h_C9cwlfzbjILy3g7-niA_fTI9fc';
  const context = {
    sub: 'svc',
    scope: 'AccessAll',
    issuer: 'https://x.okta.com/oauth2/default',
    exp: '1800000000',
    jkt,
  };
  const post = (
    body: string | null,
    authorizer: Record<string, unknown> | null | undefined = context,
    base64 = false,
  ) =>
    load('post-message')({
      headers: {},
      body,
      isBase64Encoded: base64,
      requestContext: { authorizer },
    } as unknown as APIGatewayProxyEvent);

  it('answers 201 with the text, the sender and the key its token is bound to', async () => {
    const result = await post(JSON.stringify({ text: 'héllo ✓' }));
    expect(result.statusCode).toBe(201);
    expect(result.headers).toMatchObject({
      'Cache-Control': 'no-store',
      'Access-Control-Allow-Origin': '*',
    });
    expect(JSON.parse(result.body)).toEqual({ text: 'héllo ✓', sub: 'svc', jkt });
  });

  it('takes 500 characters (counted as characters, not bytes), and a base64 body', async () => {
    expect((await post(JSON.stringify({ text: '✓'.repeat(500) }))).statusCode).toBe(201);
    const encoded = Buffer.from(JSON.stringify({ text: 'b64' })).toString('base64');
    expect(JSON.parse((await post(encoded, context, true)).body)).toMatchObject({ text: 'b64' });
  });

  it.each([
    ['no body', null, /^no body: the body must be JSON/],
    ['not JSON', '{text:', /^not JSON: /],
    ['an array', '["x"]', /^the body must be JSON: \{ "text": "\.\.\." \}, 1 to 500 characters$/],
    ['null', 'null', /^the body must be JSON/],
    ['no text', '{"message":"x"}', /^the body must be JSON/],
    ['a number as text', '{"text":5}', /^the body must be JSON/],
    ['a string', '"text"', /^the body must be JSON/],
    ['a number', '5', /^the body must be JSON/],
    ['an empty text', '{"text":""}', /^text is blank: /],
    ['a blank text', '{"text":"  \\n "}', /^text is blank: /],
    ['501 characters', JSON.stringify({ text: 'x'.repeat(501) }), /^text has 501 characters: /],
  ])('answers 400 with a clear error for %s', async (_name, body, message) => {
    const result = await post(body);
    expect(result.statusCode).toBe(400);
    const answer = JSON.parse(result.body) as { message: string; error: string };
    expect(answer.error).toBe('invalid_request');
    expect(answer.message).toMatch(message);
  });

  it('fails closed (500) without the authorizer context or its key thumbprint', async () => {
    const { jkt: _jkt, ...unbound } = context;
    for (const authorizer of [
      {},
      unbound,
      { jkt },
      { ...context, jkt: '' },
      { ...context, jkt: 5 },
      null,
    ]) {
      const result = await post('{"text":"x"}', authorizer);
      expect(result.statusCode).toBe(500);
      expect(JSON.parse(result.body)).toEqual({ message: 'Internal server error' });
    }
    const noContext = await load('post-message')({
      headers: {},
      body: '{"text":"x"}',
    } as unknown as APIGatewayProxyEvent);
    expect(noContext.statusCode).toBe(500);
  });
});
