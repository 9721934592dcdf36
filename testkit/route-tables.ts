import type { RouteTableInput } from '../route-table/compile';

const RESOURCES = [
  'orders',
  'customers',
  'invoices',
  'products',
  'shipments',
  'payments',
  'reports',
  'users',
  'teams',
  'projects',
];

/**
 * A 50-route API as a team grows one: ten resources, each with list, create, read, update and
 * delete, read by `{resource}:read` or `:write`, written with `:write`, deleted with `admin` too.
 */
export function fiftyRoutes(): RouteTableInput {
  const table: Record<string, RouteTableInput[string]> = {};
  for (const resource of RESOURCES) {
    const read = { anyOf: [`${resource}:read`, `${resource}:write`] };
    const write = { allOf: [`${resource}:write`] };
    table[`GET /api/${resource}`] = read;
    table[`POST /api/${resource}`] = write;
    table[`GET /api/${resource}/{id}`] = read;
    table[`PUT /api/${resource}/{id}`] = write;
    table[`DELETE /api/${resource}/{id}`] = { allOf: [`${resource}:write`, 'admin'] };
  }
  return table;
}

/** Every scope the 50-route table names: a token that may call every route. */
export const FIFTY_ROUTES_ALL_SCOPES = [
  'admin',
  ...RESOURCES.flatMap((resource) => [`${resource}:read`, `${resource}:write`]),
];
