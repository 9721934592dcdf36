import { ProjectCopy } from '../../testkit/project-copy';
import { isolatedEnv, runTsx } from '../../testkit/processes';

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
          "  'DELETE /api/messages': 'authenticated',\n  'GET /api/messages':",
        ),
      ),
    {},
    /^npm start: routes.ts has DELETE \/api\/messages, but no function in serverless.yml has that http event/,
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
  ...(
    [
      [
        { OKTA_ISSUER: 'https://dev-1-admin.okta.com/oauth2/default' },
        /^npm start: OKTA_ISSUER uses the admin domain/,
      ],
      [
        { OKTA_ISSUER: 'https://dev-1.okta.com' },
        /^npm start: OKTA_ISSUER \(https:\/\/dev-1\.okta\.com\) is not a custom authorization server/,
      ],
      [{ OKTA_AUDIENCE: ' ' }, /^npm start: OKTA_AUDIENCE is empty/],
      [
        { CORS_ORIGINS: 'app.example.com' },
        /^npm start: CORS_ORIGINS has "app.example.com", which is not an origin/,
      ],
      [
        { AUTHORIZER_CACHE_TTL: '7200' },
        /^npm start: AUTHORIZER_CACHE_TTL must be a whole number of seconds from 0/,
      ],
      [
        { API_PORT: 'abc' },
        /^npm start: API_PORT must be a port number from 1 to 65535, not "abc"/,
      ],
      [
        { ISSUER_PORT: '70000' },
        /^npm start: ISSUER_PORT must be a port number from 0 to 65535 \(0: any free port\), not "70000"/,
      ],
      [{ LOG_LEVEL: 'verbose' }, /^npm start: LOG_LEVEL must be one of TRACE, DEBUG, INFO/],
    ] as const
  ).map(
    ([env, message]) =>
      [`${Object.keys(env)[0]}=${Object.values(env)[0]}`, () => undefined, env, message] as [
        string,
        (c: ProjectCopy) => void,
        NodeJS.ProcessEnv,
        RegExp,
      ],
  ),
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
