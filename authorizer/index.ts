/** The TOKEN authorizer: Bearer tokens on the routes whose `dpop` is 'off' (routes.ts), cached by API Gateway. */
import type { APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { bearerTable as table } from '../route-table/routes-compiled';
import { decide } from './decision';
import { startPipeline } from './pipeline';
import { authorizerHandler } from './respond';

// Cold start: a bad configuration or route table fails here, loudly, before any request is answered.
const pipeline = startPipeline(table);

export const handler = authorizerHandler<APIGatewayTokenAuthorizerEvent>(
  pipeline,
  table,
  (event, target) => decide(event.authorizationToken, pipeline.verifier, target.route),
  // This authorizer serves the Bearer-only routes: a bound token is refused here (RFC 9449 7.2).
  'this route takes Bearer only',
);
