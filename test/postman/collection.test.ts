import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { freePort } from '../../local/ports';
import { isolatedEnv, ROOT, type Running } from '../../testkit/processes';
import { startLocalStack } from '../../testkit/local-stack';

// The Postman collection users import, run by newman against `npm start` on free ports.
const COLLECTION = join(ROOT, 'postman/okta-api.postman_collection.json');
const LOCAL_ENVIRONMENT = join(ROOT, 'postman/local.postman_environment.json');

let stack: Running;
let overrides: { key: string; value: string }[];

beforeAll(async () => {
  const env = isolatedEnv({
    API_PORT: String(await freePort()),
    ISSUER_PORT: String(await freePort()),
  });
  stack = await startLocalStack(env);
  // What a user copies from the banner into the environment; the rest is the committed `local` one.
  const printed = (label: string) =>
    new RegExp(`^\\s+${label}\\s+(\\S+)$`, 'm').exec(stack.output())?.[1] as string;
  overrides = [
    { key: 'issuer', value: printed('Issuer') },
    { key: 'baseUrl', value: `http://localhost:${env.API_PORT}` },
    { key: 'clientSecret', value: printed('Secret') },
  ];
}, 150_000);

afterAll(() => stack?.stop());

function runCollection(collection: object | string): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      { collection, environment: LOCAL_ENVIRONMENT, envVar: overrides, reporters: [] },
      (error, summary) => (error ? reject(error) : resolve(summary)),
    );
  });
}

const failures = (summary: NewmanRunSummary) =>
  summary.run.failures.map((f) => `${f.source?.name}: ${f.error.test ?? ''} ${f.error.message}`);

it('passes every assertion of every request against the local stack', async () => {
  const summary = await runCollection(COLLECTION);
  expect(failures(summary)).toEqual([]);
  expect(summary.run.stats.requests).toMatchObject({ total: 13, failed: 0 });
  expect(summary.run.stats.assertions.total).toBe(25);
  expect(summary.run.stats.assertions.failed).toBe(0);
});

it('fails when an expectation is wrong', async () => {
  const collection = JSON.parse(readFileSync(COLLECTION, 'utf8'));
  const whoami = collection.item.find(
    (item: { name: string }) => item.name === 'whoami without a token',
  );
  whoami.event[0].script.exec = [
    "pm.test('returns 200 OK', () => pm.response.to.have.status(200));",
  ];
  const summary = await runCollection(collection);
  expect(failures(summary)).toEqual([
    expect.stringMatching(/^whoami without a token: returns 200 OK .*401/),
  ]);
});

it('without clientSecret, fails once, saying so, and sends nothing further', async () => {
  const summary = await new Promise<NewmanRunSummary>((resolve, reject) => {
    newman.run(
      {
        collection: COLLECTION,
        environment: LOCAL_ENVIRONMENT,
        envVar: overrides.filter((o) => o.key !== 'clientSecret'),
        reporters: [],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
  expect(failures(summary)).toEqual([
    expect.stringMatching(
      /^Get access token: clientSecret is set in the environment .*clientSecret is empty: set it in the environment/,
    ),
  ]);
  expect(summary.run.stats.requests.total).toBe(1);
});

it('commits no secret in its environments', () => {
  for (const file of ['local', 'okta']) {
    const environment = JSON.parse(
      readFileSync(join(ROOT, `postman/${file}.postman_environment.json`), 'utf8'),
    );
    const secret = environment.values.find((v: { key: string }) => v.key === 'clientSecret');
    expect(secret).toMatchObject({ value: '', type: 'secret' });
  }
});
