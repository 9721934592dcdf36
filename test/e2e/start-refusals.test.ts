import { ProjectCopy } from '../fixtures/project-copy';
import { isolatedEnv, runTsx } from '../fixtures/processes';

// `npm start` refuses what `serverless package` refuses, in one line, before starting anything.
let copy: ProjectCopy;
beforeEach(() => {
  copy = new ProjectCopy();
});
afterEach(() => copy.remove());

it.each<[string, (c: ProjectCopy) => void, NodeJS.ProcessEnv, RegExp]>([
  [
    'an entry of routes.ts without a route',
    (c) =>
      c.edit('routes.ts', (t) =>
        t.replace(
          "  'GET /api/messages':",
          "  'POST /api/messages': 'authenticated',\n  'GET /api/messages':",
        ),
      ),
    {},
    /^npm start: routes.ts has POST \/api\/messages, but no function in serverless.yml has that http event/,
  ],
  [
    'an anonymous route wired with an authorizer',
    (c) =>
      c.edit('serverless.yml', (t) =>
        t.replace(
          'path: api/hello\n          method: get',
          'path: api/hello\n          method: get\n          authorizer: authorizer',
        ),
      ),
    {},
    /^npm start: GET \/api\/hello is 'anonymous' in routes.ts, but its http event \(function hello\) has an authorizer/,
  ],
  [
    'an unknown access kind',
    (c) => c.edit('routes.ts', (t) => t.replace("allOf: ['AccessAll']", "oneOf: ['AccessAll']")),
    {},
    /^npm start: routes.ts: GET \/api\/whoami has the access \{"oneOf":\["AccessAll"\]\}/,
  ],
  [
    'the retired OKTA_REQUIRED_SCOPES',
    () => undefined,
    { OKTA_REQUIRED_SCOPES: 'AccessAll' },
    /^npm start: OKTA_REQUIRED_SCOPES is no longer used: each route's scopes are in routes.ts/,
  ],
])(
  '%s: one line, exit 1, nothing started',
  async (_name, change, env, message) => {
    change(copy);
    const result = await runTsx('local/start.ts', [], isolatedEnv(env), copy.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).not.toContain('Server ready');
  },
  60_000,
);
