import { DynamoDb } from '../../../authorizer/dynamodb';
import { DynamoReplayStore, MemoryReplayStore } from '../../../authorizer/replay-store';
import { type LocalReplayTable, startReplayTable } from '../../../local/replay-table';

// The replay store's conditional write, against DynamoDB's API (dynalite), and its in-memory twin
// held to the same contract.
let table: LocalReplayTable;
let client: DynamoDb;
const credentials = () => ({ accessKeyId: 'local', secretAccessKey: 'local' });

beforeAll(async () => {
  table = await startReplayTable('replay-test');
  client = new DynamoDb({ endpoint: new URL(table.endpoint), region: 'us-east-1', credentials });
});
afterAll(() => table.close());

describe.each([
  ['DynamoReplayStore (dynalite)', () => new DynamoReplayStore(table.table, client)],
  ['MemoryReplayStore', () => new MemoryReplayStore()],
])('%s', (_name, make) => {
  it('claims an id once; a second claim before it expires is a replay', async () => {
    const store = make();
    const id = `jkt:${Math.random()}`;
    expect(await store.claim(id, 1000, 900)).toBe(true);
    expect(await store.claim(id, 1100, 950)).toBe(false);
    expect(await store.claim(id, 1100, 1000)).toBe(false);
    // Other ids are unaffected.
    expect(await store.claim(`${id}-other`, 1000, 950)).toBe(true);
  });

  it('an id whose claim has expired (DynamoDB deletes late) can be claimed again', async () => {
    const store = make();
    const id = `jkt:${Math.random()}`;
    expect(await store.claim(id, 1000, 900)).toBe(true);
    expect(await store.claim(id, 1100, 1001)).toBe(true);
    expect(await store.claim(id, 1200, 1050)).toBe(false);
  });

  it('two containers claiming the same id at the same moment: exactly one wins', async () => {
    const [a, b] = [make(), make()];
    const shared = a instanceof MemoryReplayStore ? a : b;
    const id = `jkt:${Math.random()}`;
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? shared : a).claim(id, 2000, 1000)),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

it('a table that cannot be reached rejects (the authorizer answers 500), never a claim', async () => {
  const unreachable = new DynamoDb({
    endpoint: new URL('http://127.0.0.1:1'),
    region: 'us-east-1',
    credentials,
    retry: { maxAttempts: 1 },
  });
  await expect(new DynamoReplayStore('t', unreachable).claim('x', 2, 1)).rejects.toMatchObject({
    code: 'ECONNREFUSED',
  });
});

it('a missing table rejects too', async () => {
  await expect(
    new DynamoReplayStore('no-such-table', client).claim('x', 2, 1),
  ).rejects.toMatchObject({
    code: 'ResourceNotFoundException',
    message: expect.stringMatching(/Requested resource not found/),
  });
});
