/** Reading an OpenAPI document in tests: its operations, and whether an answer is one it describes. */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { OpenApiDocument, Operation } from '../openapi/document';

export interface DocumentedOperation {
  /** `GET /api/messages/{}`: the method and the path, parameters unnamed. */
  key: string;
  method: string;
  path: string;
  operation: Operation;
}

/** `GET /api/items/{}` for `/api/items/{id}` (OpenAPI) and `/api/items/:id` (Postman) alike. */
export function requestKey(method: string, path: string): string {
  const segments = path
    .split('/')
    .filter(Boolean)
    .map((s) => (/^\{.+\}$/.test(s) || s.startsWith(':') ? '{}' : s));
  return `${method.toUpperCase()} /${segments.join('/')}`;
}

export function operationsOf(document: OpenApiDocument): DocumentedOperation[] {
  return Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      key: requestKey(method, path),
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );
}

interface PostmanItem {
  name: string;
  item?: PostmanItem[];
  request?: { method: string; url: string | { raw?: string; path?: string[] } };
}

/** Every request of a Postman collection (folders flattened), as requestKey names it. */
export function collectionRequests(collection: { item: PostmanItem[] }): string[] {
  const flat = (items: PostmanItem[]): PostmanItem[] =>
    items.flatMap((i) => (i.item ? flat(i.item) : [i]));
  return flat(collection.item).flatMap(({ request }) => {
    if (!request) return [];
    const url = request.url;
    const path =
      typeof url === 'string'
        ? url.replace(/^\{\{\w+\}\}/, '').split('?')[0]
        : `/${(url.path ?? []).join('/')}`;
    return [requestKey(request.method, path as string)];
  });
}

/** The document's operations no request of the collection calls. */
export function operationsMissingFrom(
  document: OpenApiDocument,
  collection: { item: PostmanItem[] },
): string[] {
  const requests = new Set(collectionRequests(collection));
  return operationsOf(document)
    .map((o) => o.key)
    .filter((key) => !requests.has(key));
}

export interface Answer {
  status: number;
  headers: Headers;
  body: string;
}

type Json = Record<string, unknown>;

/**
 * What is wrong with an answer, by the document: its status is not one the operation lists, its
 * body does not match that status's schema, or a header it declares (required, or with a value
 * schema) is missing or different. Empty when the document describes the answer.
 */
export function answerChecker(document: OpenApiDocument) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: 'openapi.json' });
  const resolve = (value: Json): Json => {
    const ref = value.$ref as string | undefined;
    if (!ref) return value;
    const found = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((at, key) => (at as Json)[key], document);
    return resolve(found as Json);
  };
  const byKey = new Map(operationsOf(document).map((o) => [o.key, o]));
  return (method: string, path: string, answer: Answer): string[] => {
    const documented = byKey.get(requestKey(method, path));
    if (!documented) return [`${method} ${path} is not in the document`];
    const response = documented.operation.responses[String(answer.status)] as Json | undefined;
    if (!response) return [`${documented.key} does not list ${answer.status}`];
    const problems: string[] = [];
    const { headers = {}, content } = resolve(response) as {
      headers?: Record<string, Json>;
      content?: Record<string, { schema: Json }>;
    };
    for (const [name, header] of Object.entries(headers)) {
      const value = answer.headers.get(name);
      if (value === null) {
        if (header.required || (header.schema as Json)?.const) problems.push(`no ${name} header`);
      } else if (header.schema && !ajv.validate(header.schema as Json, value)) {
        problems.push(`${name}: ${ajv.errorsText()}`);
      }
    }
    const schema = content?.['application/json']?.schema;
    if (schema) {
      let body: unknown;
      try {
        body = JSON.parse(answer.body);
      } catch {
        return [...problems, `the body is not JSON: ${answer.body.slice(0, 80)}`];
      }
      const ref = (schema.$ref as string).replace(/^#/, 'openapi.json#');
      if (!ajv.validate({ $ref: ref }, body)) {
        problems.push(`${answer.status} body ${answer.body}: ${ajv.errorsText()}`);
      }
    }
    return problems;
  };
}
