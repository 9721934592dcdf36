/**
 * One use per DPoP proof, across every container of the authorizer: a proof's `jti` is claimed with
 * a conditional write to a DynamoDB table whose items expire (a TTL attribute), after every other
 * check passed. A claim that finds the `jti` already there, and not yet expired, is a replay.
 */
import { DynamoDb, DynamoDbError, optionsFromEnv } from './dynamodb';

export interface ReplayStore {
  /**
   * Claims `id` until `expiresAt` (seconds since the epoch). Resolves false when it was already
   * claimed and has not expired (a replay); rejects when the store cannot be reached.
   */
  claim(id: string, expiresAt: number, now: number): Promise<boolean>;
}

/** The attribute names of the table's items; `expiresAt` is the table's TTL attribute. */
export const REPLAY_KEY = 'id';
export const REPLAY_TTL_ATTRIBUTE = 'expiresAt';

export class DynamoReplayStore implements ReplayStore {
  constructor(
    private readonly table: string,
    private client?: DynamoDb,
  ) {}

  /**
   * Builds the client from the Lambda environment, if not done yet: the DPoP authorizer calls it at
   * its cold start, so a missing region or endpoint is logged there; the first claim calls it anyway.
   */
  warm(): DynamoDb {
    this.client ??= new DynamoDb(optionsFromEnv());
    return this.client;
  }

  async claim(id: string, expiresAt: number, now: number): Promise<boolean> {
    try {
      await this.warm().putItem({
        TableName: this.table,
        Item: {
          [REPLAY_KEY]: { S: id },
          [REPLAY_TTL_ATTRIBUTE]: { N: String(Math.ceil(expiresAt)) },
        },
        // DynamoDB deletes expired items within days, not at once: an expired one is free again.
        ConditionExpression: 'attribute_not_exists(#id) OR #expiresAt < :now',
        ExpressionAttributeNames: { '#id': REPLAY_KEY, '#expiresAt': REPLAY_TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':now': { N: String(Math.floor(now)) } },
      });
      return true;
    } catch (error) {
      // The condition failed: the id is claimed and has not expired. Anything else rejects.
      if (error instanceof DynamoDbError && error.code === 'ConditionalCheckFailedException') {
        return false;
      }
      throw error;
    }
  }
}

/** The same contract in one process: for tests and benchmarks, never deployed. */
export class MemoryReplayStore implements ReplayStore {
  private readonly claimed = new Map<string, number>();

  async claim(id: string, expiresAt: number, now: number): Promise<boolean> {
    const until = this.claimed.get(id);
    if (until !== undefined && until >= now) return false;
    this.claimed.set(id, expiresAt);
    return true;
  }
}
