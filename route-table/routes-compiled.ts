/**
 * routes.ts, checked and compiled. Under tsx and in tests this compiles it here; in the deployed
 * bundle, plugins/esbuild.cjs replaces this module with the table compiled at build time, so the
 * bundles ship neither the overlap analysis nor the validation messages (the build has already
 * refused a bad table).
 */
import { routes } from '../routes';
import { bearerRoutes, compileRouteTable, routeScopes } from './compile';
import type { ProtectedRoutes } from './compiled';

/** Every protected route: the DPoP (REQUEST) authorizer's. */
export const table: ProtectedRoutes = compileRouteTable(routes);
/**
 * The routes the TOKEN authorizer serves (dpop 'off'): API Gateway sends it no other, and applies
 * its cached policies to no other. Each bundle keeps only the table it uses.
 */
export const bearerTable: ProtectedRoutes = bearerRoutes(routes);
/** The scopes each protected route names, by its key: the handlers', with no table to read. */
export const scopesByRoute: Record<string, readonly string[]> = routeScopes(table);
