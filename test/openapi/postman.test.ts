import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Converter from 'openapi-to-postmanv2';
import { openApiDocument } from '../../openapi/document';
import { localTarget } from '../../openapi/targets';
import { callers, routes } from '../../routes';
import { collectionRequests, operationsMissingFrom, operationsOf } from '../../testkit/openapi';
import { ROOT } from '../../testkit/paths';

// Postman takes the document as it is (its own converter, openapi-to-postmanv2), and the
// collection users import (postman/) calls every operation the document has.
const document = openApiDocument(localTarget({}), { routes, callers });
const collection = JSON.parse(
  readFileSync(join(ROOT, 'postman/okta-api.postman_collection.json'), 'utf8'),
);

function convert(data: object): Promise<{ item: never[] }> {
  return new Promise((resolve, reject) => {
    Converter.convert({ type: 'json', data }, {}, (error, result) => {
      if (error) reject(error);
      else if (!result?.result) reject(new Error(result?.reason));
      else resolve(result.output?.[0]?.data as { item: never[] });
    });
  });
}

it("Postman's converter takes it: one request per operation, with the operation's method and path", async () => {
  const converted = await convert(document);
  expect(collectionRequests(converted).sort()).toEqual(
    operationsOf(document)
      .map((o) => o.key)
      .sort(),
  );
});

it('the collection in postman/ calls every operation of the document', () => {
  expect(operationsMissingFrom(document, collection)).toEqual([]);
});

it('that check fails when the collection lacks an operation', () => {
  const without = {
    ...collection,
    item: collection.item.filter(
      (i: { request: { method: string; url: { raw: string } } }) =>
        !(i.request.method === 'POST' && i.request.url.raw.endsWith('/api/messages')),
    ),
  };
  expect(operationsMissingFrom(document, without)).toEqual(['POST /api/messages']);
});
