/**
 * The DPoP authorizer's replay table, locally: dynalite (DynamoDB's API, in this process, in
 * memory) with the table serverless.yml declares, so the authorizer's conditional writes are the
 * same requests against the same protocol as on AWS. The table is made with the AWS SDK, a
 * development dependency: no deployed code uses it.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { REPLAY_KEY } from '../authorizer/replay-store';

export interface LocalReplayTable {
  /** The DynamoDB endpoint (AWS_ENDPOINT_URL_DYNAMODB for the authorizer). */
  endpoint: string;
  table: string;
  close(): Promise<void>;
}

/** Credentials dynalite accepts and AWS would not: they never leave loopback. */
export const LOCAL_AWS_CREDENTIALS = {
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_REGION: 'us-east-1',
};

export async function startReplayTable(table = 'dpop-replay'): Promise<LocalReplayTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS_CREDENTIALS.AWS_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: REPLAY_KEY, AttributeType: 'S' }],
      KeySchema: [{ AttributeName: REPLAY_KEY, KeyType: 'HASH' }],
    }),
  );
  client.destroy();
  return {
    endpoint,
    table,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
