/**
 * routes.ts, checked and compiled. Under tsx and in tests this compiles it here; in the deployed
 * bundle, plugins/esbuild.cjs replaces this module with the table compiled at build time, so the
 * authorizer ships neither the overlap analysis nor the validation messages (the build has already
 * refused a bad table).
 */
import { routes } from '../routes';
import { compileRouteTable, type ProtectedRoutes } from './route-table';

export const table: ProtectedRoutes = compileRouteTable(routes);
