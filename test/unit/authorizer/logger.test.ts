import { withEnv } from '../../../testkit/env';
import { captureLogs } from '../../../testkit/logs';

type LoggerModule = typeof import('../../../authorizer/logger');

// Only what each case sets: the shell's own log settings must not leak in.
const UNSET = {
  AWS_LAMBDA_LOG_LEVEL: undefined,
  POWERTOOLS_LOG_LEVEL: undefined,
  LOG_LEVEL: undefined,
  POWERTOOLS_LOGGER_SAMPLE_RATE: undefined,
  POWERTOOLS_SERVICE_NAME: undefined,
};

/** `use` on a fresh copy of logger.ts, in this environment, as a cold start would see both. */
function fresh<T>(env: Record<string, string>, use: (module: LoggerModule) => T): T {
  return withEnv({ ...UNSET, ...env }, () => {
    let loaded: LoggerModule | undefined;
    jest.isolateModules(() => {
      loaded = require('../../../authorizer/logger') as LoggerModule;
    });
    return use(loaded as LoggerModule);
  });
}

describe('debugEnabled: whether allow decisions are logged', () => {
  it.each([
    [{}, false],
    [{ POWERTOOLS_LOG_LEVEL: 'INFO' }, false],
    [{ POWERTOOLS_LOG_LEVEL: 'DEBUG' }, true],
    [{ POWERTOOLS_LOG_LEVEL: ' TRACE ' }, true],
    // Powertools reads levels in upper case only.
    [{ POWERTOOLS_LOG_LEVEL: 'debug' }, false],
    [{ AWS_LAMBDA_LOG_LEVEL: 'DEBUG' }, true],
    [{ LOG_LEVEL: 'DEBUG' }, true],
    // A hint of DEBUG that the Logger overrides: the Logger decides.
    [{ LOG_LEVEL: 'DEBUG', POWERTOOLS_LOG_LEVEL: 'WARN' }, false],
    [{ POWERTOOLS_LOG_LEVEL: 'DEBUGGING' }, false],
    [{ POWERTOOLS_LOG_LEVEL: 'NODEBUG' }, false],
    [{ POWERTOOLS_LOGGER_SAMPLE_RATE: '1' }, true],
    [{ POWERTOOLS_LOGGER_SAMPLE_RATE: '0' }, false],
  ])('%p: %p', (env, expected) => {
    // Sampling makes the Logger say so: kept off the test output.
    const logs = captureLogs();
    try {
      expect(fresh(env, ({ debugEnabled }) => debugEnabled())).toBe(expected);
    } finally {
      logs.restore();
    }
  });
});

describe('logger', () => {
  it('is built once, and names the service in every line', () => {
    const logs = captureLogs();
    try {
      fresh({}, ({ logger }) => {
        expect(logger()).toBe(logger());
        logger().info('hello');
      });
    } finally {
      logs.restore();
    }
    expect(logs.lines()).toEqual([
      expect.objectContaining({ level: 'INFO', message: 'hello', service: 'okta-authorizer' }),
    ]);
  });

  it('takes the service name from POWERTOOLS_SERVICE_NAME', () => {
    const logs = captureLogs();
    try {
      fresh({ POWERTOOLS_SERVICE_NAME: 'orders-authorizer' }, ({ logger }) =>
        logger().info('hello'),
      );
    } finally {
      logs.restore();
    }
    expect(logs.lines()[0]).toMatchObject({ service: 'orders-authorizer' });
  });
});
