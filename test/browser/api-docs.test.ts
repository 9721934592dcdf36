import type { Browser, Page } from 'playwright-core';
import type { OpenApiDocument } from '../../openapi/document';
import { compileRouteTable } from '../../route-table/compile';
import { routes } from '../../routes';
import { describeWithChromium, launchChromium, startBrowserStack } from '../../testkit/browser';
import { operationsOf } from '../../testkit/openapi';
import type { Running } from '../../testkit/processes';

// The API reference npm start serves at /docs (local/api-docs.ts): Swagger UI from its npm package
// renders the stack's OpenAPI document; every operation is there with its scopes, and "Authorize"
// signs in at the local issuer (authorization code with PKCE) so that "Try it out" calls the API.
describeWithChromium('the API reference at /docs', () => {
  let browser: Browser;
  let stack: Running;
  let app: string;
  let api: string;
  let issuer: string;
  let password: string;
  let document: OpenApiDocument;
  let page: Page;
  const fetched: string[] = [];

  beforeAll(async () => {
    ({ stack, app, api, issuer, password } = await startBrowserStack());
    expect(stack.output()).toContain(`API docs    ${app}/docs`);
    document = (await (await fetch(`${app}/docs/openapi.json`)).json()) as OpenApiDocument;
    browser = await launchChromium();
    page = await (await browser.newContext()).newPage();
    page.on('request', (request) => fetched.push(request.url()));
    await page.goto(`${app}/docs`);
    await page.waitForSelector('.opblock');
  }, 150_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('shows every operation of the document, with its method, path and summary', async () => {
    const shown = await page.locator('.opblock-summary').allInnerTexts();
    const expected = operationsOf(document).map(
      (o) => `${o.method}\n${o.path}\n${o.operation.summary}`,
    );
    expect(shown.sort()).toEqual(expected.sort());
    expect(expected).toHaveLength(compileRouteTable(routes).routes.length);
  });

  it("shows each operation's scopes: in its description, and in its lock's sign-in", async () => {
    for (const route of compileRouteTable(routes).routes) {
      const { operation } = operationsOf(document).find(
        (o) => `${o.method} ${o.path}` === route.key,
      ) as ReturnType<typeof operationsOf>[number];
      const tag = (operation.tags as string[])[0];
      const block = page.locator(`#operations-${tag}-${operation.operationId}`);
      await block.locator('.opblock-summary-control').click();
      const description = await block.locator('.opblock-description-wrapper').first().innerText();
      const lock = block.locator('.authorization__btn');
      if (route.access === 'anonymous') {
        expect(description).toContain('Access: anyone: no token needed.');
        expect(await lock.count()).toBe(0);
        continue;
      }
      const scopes = route.access.kind === 'authenticated' ? [] : route.access.scopes;
      for (const scope of scopes) expect(description).toContain(scope);
      if (route.dpop === 'required') expect(description).toContain('DPoP-bound only');
      // The lock offers exactly the scopes of the operation's first alternative.
      await lock.first().click();
      const offered = await page
        .locator('.modal-ux input[id$="-clientCredentials-checkbox-okta"]')
        .evaluateAll((inputs) => inputs.map((i) => i.id.split('-')[0]));
      expect(offered).toEqual(operation.security[0]?.okta);
      await page.locator('.modal-ux .close-modal').click();
    }
  });

  it('"Authorize" signs in at the local issuer with PKCE, and "Try it out" calls the API with the token', async () => {
    await page.locator('.auth-wrapper .authorize').click();
    const flow = page
      .locator('.modal-ux .auth-container')
      .filter({ hasText: 'authorizationCode with PKCE' });
    await flow.locator('label[for="AccessAll-authorizationCode-checkbox-okta"]').click();
    const [signIn] = await Promise.all([
      page.waitForEvent('popup'),
      flow.locator('button.authorize').click(),
    ]);
    await signIn.waitForURL(/\/oauth2\/default\/signin\//);
    await signIn.fill('input[name=username]', 'alice');
    await signIn.fill('input[name=password]', password);
    await signIn.click('button[type=submit]');
    // Signed in: the flow offers to remove its authorization.
    await flow.getByRole('button', { name: 'Remove authorization' }).waitFor();
    await page.locator('.modal-ux .close-modal').click();

    const whoami = page.locator('#operations-protected-getWhoami');
    await whoami.locator('button.try-out__btn').click();
    await whoami.locator('button.execute').click();
    const status = whoami.locator('.live-responses-table tr.response .response-col_status').first();
    await status.waitFor();
    expect(await status.innerText()).toBe('200');
    expect(await whoami.locator('.live-responses-table .microlight').first().innerText()).toContain(
      '"sub": "alice@example.com"',
    );
  }, 60_000);

  it('fetches nothing but from this stack: no CDN', () => {
    const origins = new Set(fetched.map((url) => new URL(url).origin));
    origins.delete(app);
    origins.delete(api);
    origins.delete(issuer);
    expect([...origins]).toEqual([]);
    expect(fetched).toContain(`${app}/docs/swagger-ui-bundle.js`);
  });
});
