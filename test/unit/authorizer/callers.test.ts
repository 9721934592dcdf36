import { callers, routes } from '../../../routes';
import { loadCallers } from '../../../authorizer/callers';
import { type CallersInput, compileCallers } from '../../../route-table/callers';
import { usagePlans } from '../../../route-table/usage-plans';
import { callerSettings, clientIds } from '../../../settings/callers';
import { ConfigError } from '../../../settings/errors';

// Limits per caller: declared in routes.ts, checked at package time, one usage plan and key per
// caller, and what the authorizers read to name a token's caller and its plan's key.
const STAGE = { service: 'okta-serverless-api', stage: 'prod' };
const IDS = 'reporting-job=0oa1,admin-tool=0oa2,browser-app=0oa3';
const settings = (
  env: NodeJS.ProcessEnv,
  more: Partial<Parameters<typeof callerSettings>[1]> = {},
  input?: Parameters<typeof callerSettings>[2],
) =>
  callerSettings(
    env,
    { localIssuer: false, ...STAGE, throttleRate: 100, throttleBurst: 200, ...more },
    input,
  );

describe('the usage plans of routes.ts callers', () => {
  const { plans, apiCallers } = settings({ CALLER_CLIENT_IDS: IDS });

  it('one per caller with limits and one for others, with their numbers', () => {
    expect(plans.map((p) => [p.caller, p.plan, p.limits, p.clientIds])).toEqual([
      [
        'reporting-job',
        'reportingJob',
        { rate: 10, burst: 20, quota: { limit: 50_000, period: 'DAY' } },
        ['0oa1'],
      ],
      ['admin-tool', 'adminTool', { rate: 5, burst: 10 }, ['0oa2']],
      ['browser-app', 'browserApp', { rate: 50, burst: 100 }, ['0oa3']],
      ['others', 'others', { rate: 25, burst: 50 }, ['*']],
    ]);
  });

  it('keys of 40 letters and digits, distinct, the same at every deploy, another per stage', () => {
    const keys = plans.map((p) => p.key);
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{40}$/);
    expect(new Set(keys).size).toBe(keys.length);
    expect(settings({ CALLER_CLIENT_IDS: IDS }).plans.map((p) => p.key)).toEqual(keys);
    const dev = settings({ CALLER_CLIENT_IDS: IDS }, { stage: 'dev' }).plans.map((p) => p.key);
    for (const key of dev) expect(keys).not.toContain(key);
  });

  it('tells the authorizers each client id with its caller and key, others last', () => {
    expect(apiCallers.split(',').map((e) => e.split('=').slice(0, 2))).toEqual([
      ['reporting-job', '0oa1'],
      ['admin-tool', '0oa2'],
      ['browser-app', '0oa3'],
      ['others', '*'],
    ]);
  });

  it("locally, a declared caller's client id is its name", () => {
    const local = settings({}, { localIssuer: true });
    expect(local.plans.map((p) => p.clientIds[0])).toEqual([
      'reporting-job',
      'admin-tool',
      'browser-app',
      '*',
    ]);
  });

  it('without limits anywhere: no plans, and nothing for the authorizers', () => {
    const { others: _others, ...input } = callers as CallersInput;
    const unlimited: CallersInput = {
      clients: { 'reporting-job': { scopes: ['ReadOnly'] } },
      browserApp: { ...input.browserApp!, limits: undefined },
    };
    expect(settings({}, {}, { callers: unlimited, routes })).toEqual({
      plans: [],
      apiCallers: '',
    });
    expect(usagePlans(compileCallers(unlimited, routes), new Map(), STAGE)).toEqual([]);
  });
});

describe('refused at package time, in one line', () => {
  it.each([
    [
      {},
      /^CALLER_CLIENT_IDS has no client id for reporting-job, admin-tool, browser-app: run `npm run okta -- apply --env-file`/,
    ],
    [
      { CALLER_CLIENT_IDS: 'reporting-job=0oa1' },
      /^CALLER_CLIENT_IDS has no client id for admin-tool, browser-app/,
    ],
    [
      { CALLER_CLIENT_IDS: `${IDS},billing=0oa9` },
      /^CALLER_CLIENT_IDS names billing, which routes.ts callers does not declare/,
    ],
    [
      { CALLER_CLIENT_IDS: 'reporting-job:0oa1' },
      /^CALLER_CLIENT_IDS has "reporting-job:0oa1": write name=clientId/,
    ],
  ])('%j', (env, message) => {
    expect(() => settings(env)).toThrow(ConfigError);
    expect(() => settings(env)).toThrow(message);
  });

  it("a caller's rate or burst above the stage's", () => {
    expect(() => settings({ CALLER_CLIENT_IDS: IDS }, { throttleRate: 20 })).toThrow(
      /^callers\.browserApp\.limits\.rate \(50\) is above the stage's API_THROTTLE_RATE \(20\): lower it in routes\.ts, or raise API_THROTTLE_RATE\.$/,
    );
    expect(() => settings({ CALLER_CLIENT_IDS: IDS }, { throttleBurst: 15 })).toThrow(
      /^callers\.clients\.reporting-job\.limits\.burst \(20\) is above the stage's API_THROTTLE_BURST \(15\)/,
    );
  });

  const declare = (extra: Partial<CallersInput>) => () =>
    compileCallers({ ...(callers as CallersInput), ...extra }, routes);
  it.each([
    [{ others: undefined }, /^callers\.others\.limits is missing/],
    [
      { others: { limits: { rate: 0, burst: 5 } } },
      /^callers\.others\.limits\.rate is 0: give a whole number from 1\.$/,
    ],
    [{ others: { limits: { rate: 1, burst: 1.5 } } }, /^callers\.others\.limits\.burst is 1\.5/],
    [
      { others: { limits: { rate: 1, burst: 1, quota: { limit: 10, period: 'YEAR' as 'DAY' } } } },
      /^callers\.others\.limits\.quota\.period is "YEAR": use 'DAY', 'WEEK' or 'MONTH'\.$/,
    ],
    [
      { clients: { others: { scopes: ['ReadOnly'] } } },
      /^callers\.clients has "others", the name of another kind of caller/,
    ],
  ])('%j', (extra, message) => {
    expect(declare(extra)).toThrow(message);
  });

  it('clientIds reads a list with spaces, and keeps the last of a name given twice', () => {
    expect([...clientIds(' a=1 , b=2,a=3 ', ['a', 'b']).entries()]).toEqual([
      ['a', '3'],
      ['b', '2'],
    ]);
  });
});

describe("the authorizer's callers (API_CALLERS)", () => {
  const KEY = (c: string) => c.repeat(20);
  const env = {
    API_CALLERS: `reporting-job=0oa1=${KEY('a')},browser-app=0oa3=${KEY('b')},others=*=${KEY('c')}`,
  };

  it('a declared client is its caller; any other client, and none, is others', () => {
    const found = loadCallers(env);
    expect(found.of('0oa1')).toEqual({ name: 'reporting-job', key: KEY('a') });
    expect(found.of('0oa3')).toEqual({ name: 'browser-app', key: KEY('b') });
    expect(found.of('0oa9')).toEqual({ name: 'others', key: KEY('c') });
    expect(found.of(undefined)).toEqual({ name: 'others', key: KEY('c') });
  });

  it('without API_CALLERS there is no caller: the stage has no limits', () => {
    expect(loadCallers({}).of('0oa1')).toBeUndefined();
    expect(loadCallers({ API_CALLERS: '' }).of(undefined)).toBeUndefined();
  });

  it.each([
    `reporting-job=0oa1=${KEY('a')}`,
    `reporting-job=0oa1=short,others=*=${KEY('c')}`,
    `Reporting=0oa1=${KEY('a')},others=*=${KEY('c')}`,
    `reporting-job=0oa1,others=*=${KEY('c')}`,
    // A key longer than API Gateway takes (128), or with a character after it.
    `reporting-job=0oa1=${'a'.repeat(129)},others=*=${KEY('c')}`,
    `reporting-job=0oa1=${KEY('a')}!,others=*=${KEY('c')}`,
  ])('refuses %p at the cold start, in one line', (value) => {
    expect(() => loadCallers({ API_CALLERS: value })).toThrow(ConfigError);
    expect(() => loadCallers({ API_CALLERS: value })).toThrow(
      /^API_CALLERS has .*package again\.$/,
    );
  });
});
