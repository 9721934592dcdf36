import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { json } from './http';

/** Public: no authorizer, so it answers the same with or without a token. */
export async function handler(event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> {
  return json(event, 200, { message: 'Hello! This endpoint is public: no token needed.' });
}
