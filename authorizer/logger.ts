import { Logger, LogLevelThreshold } from '@aws-lambda-powertools/logger';

let instance: Logger | undefined;

/**
 * The Powertools Logger, built on first use: building it initialises stdout, a few ms of cold
 * start that a container answering only allowed requests at INFO never needs.
 * Level from POWERTOOLS_LOG_LEVEL (INFO unless set); one JSON line per entry.
 */
export function logger(): Logger {
  instance ??= new Logger({
    serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'okta-authorizer',
  });
  return instance;
}

/**
 * Whether DEBUG entries are written. Without a hint of DEBUG or sampling in the environment,
 * the answer is no and the Logger stays unbuilt; with one, the Logger itself decides.
 */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const levels = [env.AWS_LAMBDA_LOG_LEVEL, env.POWERTOOLS_LOG_LEVEL, env.LOG_LEVEL];
  // Stryker disable all: a pre-check that only spares building the Logger when nothing hints at
  // DEBUG; a mutant that says "maybe" more often changes no answer (the Logger's level decides).
  const mayDebug =
    levels.some((level) => /^(DEBUG|TRACE)$/.test(level?.trim() ?? '')) ||
    Number(env.POWERTOOLS_LOGGER_SAMPLE_RATE) > 0;
  // Stryker restore all
  return mayDebug && logger().level <= LogLevelThreshold.DEBUG;
}
