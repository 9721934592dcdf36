import { freePort } from '../../local/ports';
import { isolatedEnv, type Running, startTsx } from '../../testkit/processes';
import { ProjectCopy, TEST_CALLER_CLIENT_IDS } from '../../testkit/project-copy';

// `npm start` hands serverless offline two ports it picked free. Another program, or a stack
// starting at the same moment, may take one before offline listens: offline then starts again on
// other ports instead of failing the stack (testkit/port-race-stack.ts spoils the first pick).
// In a copy of the project: serverless offline builds into the folder it runs in.
const folder = new ProjectCopy();
let stack: Running | undefined;
afterAll(async () => {
  await stack?.stop();
  folder.remove();
});

it('a port taken between the pick and the listen: offline starts again on others, and says so', async () => {
  stack = await startTsx(
    'testkit/port-race-stack.ts',
    // An Okta org rather than the local issuer: the public route asked here never reaches it.
    isolatedEnv({
      API_PORT: String(await freePort()),
      OKTA_ISSUER: 'https://dev-123456.okta.com/oauth2/default',
      CALLER_CLIENT_IDS: TEST_CALLER_CLIENT_IDS,
    }),
    /ready \S+ after \d+ picks/,
    120_000,
    folder.dir,
  );
  const [, busy, url, picks] = /busy (\d+); ready (\S+) after (\d+) picks/.exec(stack.output())!;
  expect(picks).toBe('2');
  expect(stack.output()).toContain(
    `port ${busy}, picked free for serverless offline, was taken while it started; starting it on other ports.`,
  );
  expect((await fetch(`${url}/api/hello`)).status).toBe(200);
}, 150_000);
