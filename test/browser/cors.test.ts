import type { Browser } from 'playwright-core';
import { freePort } from '../../local/ports';
import { describeWithChromium, launchChromium, servePage } from '../../testkit/browser';
import { isolatedEnv, type Running, runTsx } from '../../testkit/processes';
import { startLocalStack } from '../../testkit/local-stack';

// CORS as a browser enforces it: a page on an allowed origin reads 200, 401 and 403 from
// `npm start`; a page on another origin is refused the responses, as the deployed API refuses it.
type Outcome = { status: number; body: string } | { blocked: string };

describeWithChromium('a browser calling the API', () => {
  let browser: Browser;
  let stack: Running;
  let api: string;
  let allowed: Awaited<ReturnType<typeof servePage>>;
  let other: Awaited<ReturnType<typeof servePage>>;
  let tokens: { accessAll: string; readOnly: string };

  beforeAll(async () => {
    allowed = await servePage('<!doctype html><title>allowed</title>');
    other = await servePage('<!doctype html><title>other</title>');
    const env = isolatedEnv({
      API_PORT: String(await freePort()),
      ISSUER_PORT: String(await freePort()),
      CORS_ORIGINS: allowed.origin,
    });
    stack = await startLocalStack(env);
    api = `http://localhost:${env.API_PORT}`;
    const token = async (scope: string) =>
      (await runTsx('local/token.ts', ['--scope', scope], env)).stdout.trim();
    tokens = { accessAll: await token('AccessAll'), readOnly: await token('ReadOnly') };
    browser = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
    await allowed?.close();
    await other?.close();
  });

  /** fetch() from a page on `origin`: what the page's script gets to see. */
  async function fromPage(origin: string, path: string, token?: string): Promise<Outcome> {
    const page = await browser.newPage();
    try {
      await page.goto(origin);
      return await page.evaluate(
        async ({ url, token }) => {
          try {
            const response = await fetch(url, {
              headers: token ? { Authorization: `Bearer ${token}` } : {},
            });
            return { status: response.status, body: await response.text() };
          } catch (error) {
            return { blocked: String(error) };
          }
        },
        { url: `${api}${path}`, token },
      );
    } finally {
      await page.close();
    }
  }

  it('a page on an allowed origin reads 200, 401 and 403 with their bodies', async () => {
    expect(await fromPage(allowed.origin, '/api/hello')).toMatchObject({ status: 200 });
    expect(await fromPage(allowed.origin, '/api/whoami', tokens.accessAll)).toMatchObject({
      status: 200,
      body: expect.stringContaining('"scopes":["AccessAll"]'),
    });
    expect(await fromPage(allowed.origin, '/api/messages', tokens.readOnly)).toMatchObject({
      status: 200,
    });
    expect(await fromPage(allowed.origin, '/api/whoami')).toEqual({
      status: 401,
      body: '{"message":"Unauthorized","error":"invalid_token"}',
    });
    expect(await fromPage(allowed.origin, '/api/whoami', tokens.readOnly)).toEqual({
      status: 403,
      body: '{"message":"Forbidden","error":"insufficient_scope"}',
    });
  });

  it('a page on another origin is refused every response', async () => {
    for (const [path, token] of [
      ['/api/hello', undefined],
      ['/api/whoami', tokens.accessAll],
      ['/api/whoami', undefined],
      ['/api/whoami', tokens.readOnly],
    ] as const) {
      expect(await fromPage(other.origin, path, token)).toEqual({
        blocked: expect.stringMatching(/Failed to fetch/),
      });
    }
  });
});
