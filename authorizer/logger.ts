import type { Logger } from '@aws-lambda-powertools/logger';

type Powertools = typeof import('./powertools');

let instance: Logger | undefined;

/** Powertools, loaded on first use: in the deployed bundle, a file of its own (./powertools). */
function powertools(): Powertools {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('./powertools') as Powertools;
}

/**
 * The Powertools Logger, loaded and built on first use: loading it is a few ms of cold start that
 * a container answering only allowed requests at INFO never needs.
 * Level from POWERTOOLS_LOG_LEVEL (INFO unless set); one JSON line per entry.
 */
export function logger(): Logger {
  instance ??= new (powertools().Logger)({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'okta-authorizer',
  });
  return instance;
}

/**
 * Whether DEBUG entries are written. Without a hint of DEBUG or sampling in the environment,
 * the answer is no and the Logger stays unloaded; with one, the Logger itself decides.
 */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const levels = [env.AWS_LAMBDA_LOG_LEVEL, env.POWERTOOLS_LOG_LEVEL, env.LOG_LEVEL];
  // Stryker disable all: a pre-check that only spares loading the Logger when nothing hints at
  // DEBUG; a mutant that says "maybe" more often changes no answer (the Logger's level decides).
  const mayDebug =
    levels.some((level) => /^(DEBUG|TRACE)$/.test(level?.trim() ?? '')) ||
    Number(env.POWERTOOLS_LOGGER_SAMPLE_RATE) > 0;
  // Stryker restore all
  return mayDebug && logger().level <= powertools().LogLevelThreshold.DEBUG;
}
