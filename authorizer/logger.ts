import { Logger } from '@aws-lambda-powertools/logger';

/** Level from POWERTOOLS_LOG_LEVEL (INFO unless set); one JSON line per entry. */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'okta-authorizer',
});
