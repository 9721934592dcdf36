import { methodsByRoute, ProjectCopy } from '../../testkit/project-copy';
import { ISSUER } from '../../testkit/template';

// routes.ts and serverless.yml together: the authorizers each route gets, and the refusals.
// Each package runs in a copy of the project: the working tree and its .serverless/ stay as they are.

describe('the route table and the wiring', () => {
  let copy: ProjectCopy;
  beforeEach(() => {
    copy = new ProjectCopy();
  });
  afterEach(() => copy.remove());

  it('one line makes hello require a token: the guide\'s "require authorization for all endpoints"', async () => {
    copy.edit('routes.ts', (text) =>
      text.replace("'GET /api/hello': 'anonymous'", "'GET /api/hello': 'authenticated'"),
    );
    const result = await copy.package({ OKTA_ISSUER: ISSUER });
    expect(result.output).toContain('Service packaged');
    for (const route of ['GET /api/hello', 'GET /api/whoami', 'GET /api/messages']) {
      expect(methodsByRoute(result.resources).get(route)).toMatchObject({
        AuthorizationType: 'CUSTOM',
      });
    }
  }, 120_000);

  const messagesEvent = `      - http:
          path: api/messages
          method: get
          cors: *cors`;

  it.each<[string, (copy: ProjectCopy) => void, RegExp]>([
    [
      'a route without an entry',
      (c) =>
        c.edit('serverless.yml', (t) =>
          t.replace(
            messagesEvent,
            `${messagesEvent}\n      - http:\n          path: api/messages/{id}\n          method: get`,
          ),
        ),
      /serverless.yml wires GET \/api\/messages\/\{id\} \(function messages\), but routes.ts has no entry for it: add 'GET \/api\/messages\/\{id\}': 'authenticated'/,
    ],
    [
      'an entry without a route',
      (c) =>
        c.edit('routes.ts', (t) =>
          t.replace(
            "  'GET /api/messages':",
            "  'DELETE /api/messages': 'authenticated',\n  'GET /api/messages':",
          ),
        ),
      /routes.ts has DELETE \/api\/messages, but no function in serverless.yml has that http event/,
    ],
    [
      'an unknown access kind',
      (c) =>
        c.edit('routes.ts', (t) =>
          t.replace("'GET /api/hello': 'anonymous'", "'GET /api/hello': 'public'"),
        ),
      /routes.ts: GET \/api\/hello has the access "public"; use 'anonymous', 'authenticated'/,
    ],
    [
      'a malformed scope name',
      (c) => c.edit('routes.ts', (t) => t.replace("allOf: ['AccessAll']", "allOf: ['Access All']")),
      /GET \/api\/whoami has the scope "Access All", which is not a scope name/,
    ],
    [
      'an anonymous route that has the authorizer',
      (c) =>
        c.edit('serverless.yml', (t) =>
          t.replace(
            'path: api/hello\n          method: get',
            'path: api/hello\n          method: get\n          authorizer: authorizer',
          ),
        ),
      /GET \/api\/hello is 'anonymous' in routes.ts, but its http event \(function hello\) has an authorizer/,
    ],
    [
      'a protected route that declares its own authorizer',
      (c) =>
        c.edit('serverless.yml', (t) =>
          t.replace(
            'path: api/whoami\n          method: get',
            'path: api/whoami\n          method: get\n          authorizer: aws_iam',
          ),
        ),
      /GET \/api\/whoami's http event \(function whoami\) sets an authorizer in serverless.yml; routes.ts decides/,
    ],
  ])(
    '%s stops `serverless package` with one line that says what to fix',
    async (_name, change, message) => {
      change(copy);
      const result = await copy.package({ OKTA_ISSUER: ISSUER });
      expect(result.code).not.toBe(0);
      expect(result.output).toMatch(message);
      expect(result.output).not.toMatch(/\n\s+at /); // no stack trace
      expect(result.resources).toEqual({});
    },
    120_000,
  );
});
