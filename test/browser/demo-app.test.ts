import type { Browser, Page } from 'playwright-core';
import { describeWithChromium, launchChromium, startBrowserStack } from '../../testkit/browser';
import type { Running } from '../../testkit/processes';

// The demo app as a user uses it: sign in with Okta's browser SDK (authorization code + PKCE)
// at the local issuer, then call the API from the page. The same app on an origin that is not in
// CORS_ORIGINS is refused every response by the browser.
describeWithChromium('the demo app in a browser', () => {
  let browser: Browser;
  let stack: Running;
  let app: string;
  let password: string;

  beforeAll(async () => {
    ({ stack, app, password } = await startBrowserStack());
    expect(stack.output()).toContain(`Demo app    ${app}`);
    browser = await launchChromium();
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  async function signIn(username: string, dpop = false): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(app);
    if (dpop) {
      // The app's switch: reloads with okta-auth-js's dpop: true.
      await page.check('#dpop');
      await page.waitForLoadState('load');
      await page.waitForFunction(
        () => (document.getElementById('dpop') as HTMLInputElement).checked,
      );
    }
    await page.click('#sign-in');
    await page.waitForURL(/\/oauth2\/default\/signin\//);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', password);
    await page.click('button[type=submit]');
    await page.waitForSelector(`text=Signed in as ${username}@example.com`);
    return page;
  }

  /** Presses a route's button and reads what the page shows: the status (or "blocked") and body. */
  async function call(
    page: Page,
    path: string,
    method = 'GET',
  ): Promise<{ status: string; text: string }> {
    await page.evaluate(() => {
      delete (document.getElementById('result') as HTMLElement).dataset.status;
    });
    await page.click(
      method === 'GET'
        ? `button[data-path="${path}"]:not([data-method])`
        : `button[data-path="${path}"][data-method="${method}"]`,
    );
    const result = page.locator('#result[data-status]');
    await result.waitFor();
    return {
      status: (await result.getAttribute('data-status')) as string,
      text: await result.innerText(),
    };
  }

  it('alice signs in; hello, whoami (with her uid) and messages answer 200', async () => {
    const page = await signIn('alice');
    expect(await call(page, '/api/hello')).toMatchObject({ status: '200' });
    const whoami = await call(page, '/api/whoami');
    expect(whoami.status).toBe('200');
    expect(whoami.text).toMatch(/"sub":"alice@example\.com"/);
    expect(whoami.text).toMatch(/"uid":"00u\w{17}"/);
    expect(await call(page, '/api/messages')).toMatchObject({ status: '200' });
    // Signing out ends the session at the issuer and comes back to the app, signed out.
    await page.click('#sign-out');
    await page.waitForSelector('text=Not signed in.');
    expect(new URL(page.url()).origin).toBe(app);
    expect(await call(page, '/api/whoami')).toMatchObject({ status: '401' });
    await page.context().close();
  });

  it('bob, who may only read, gets messages and a 403 from whoami', async () => {
    const page = await signIn('bob');
    expect(await call(page, '/api/messages')).toMatchObject({ status: '200' });
    expect(await call(page, '/api/whoami')).toMatchObject({ status: '403' });
    await page.context().close();
  });

  it('with DPoP, alice posts a message (201); the request replayed from here is refused', async () => {
    const page = await signIn('alice', true);
    const sent = page.waitForRequest(
      (request) => request.method() === 'POST' && request.url().endsWith('/api/messages'),
    );
    const posted = await call(page, '/api/messages', 'POST');
    expect(posted.status).toBe('201');
    expect(posted.text).toMatch(
      /"text":"Hello from the demo app","sub":"alice@example\.com","jkt":"[\w-]{43}"/,
    );
    // okta-auth-js signed the proof with RS256, from a key the page cannot export.
    const request = await sent;
    const headers = await request.allHeaders();
    expect(headers.authorization).toMatch(/^DPoP /);
    const proofHeader = JSON.parse(
      Buffer.from((headers.dpop as string).split('.')[0] as string, 'base64url').toString(),
    ) as { alg: string; typ: string };
    expect(proofHeader).toMatchObject({ alg: 'RS256', typ: 'dpop+jwt' });
    const replayed = await fetch(request.url(), {
      method: 'POST',
      headers: {
        authorization: headers.authorization as string,
        dpop: headers.dpop as string,
        'content-type': 'application/json',
      },
      body: request.postData() ?? '',
    });
    expect(replayed.status).toBe(401);
    // Its bound token is refused by the Bearer-only routes, as RFC 9449 7.2 asks.
    expect(await call(page, '/api/whoami')).toMatchObject({ status: '401' });
    await page.context().close();
  });

  it('a wrong password stays on the sign-in page: "Unable to sign in"', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(app);
    await page.click('#sign-in');
    await page.waitForURL(/\/signin\//);
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', 'not the password');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=Unable to sign in');
    await page.context().close();
  });

  it('the same app from an origin not in CORS_ORIGINS gets no response from the API', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(app.replace('localhost', '127.0.0.1'));
    for (const path of ['/api/hello', '/api/whoami', '/api/messages']) {
      expect(await call(page, path)).toMatchObject({ status: 'blocked' });
    }
    await page.context().close();
  });
});
