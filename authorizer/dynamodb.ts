/**
 * The AWS SDK's DynamoDB client, which the replay store loads after the DPoP authorizer has issued
 * its JWKS prefetch (replay-store.ts): the SDK then loads while the prefetch waits for the network,
 * not while the module loads. The build puts this module in a file of its own beside the bundle
 * (plugins/esbuild.cjs).
 */
export {
  ConditionalCheckFailedException,
  DynamoDBClient,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
