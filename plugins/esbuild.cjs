// esbuild plugins for serverless-esbuild (custom.esbuild.plugins): the authorizer bundle gets the
// route table compiled at build time instead of the code that compiles it.
const { basename, dirname, extname, join } = require('node:path');
const tsx = require('tsx/cjs/api');

const { ROOT } = require('../settings/project.cjs');

/**
 * routes.ts, or the table given (the benchmark's 50-route one), compiled into the bundle: the
 * whole table (the DPoP authorizer's), the TOKEN authorizer's routes, and the scopes each route
 * names (the handlers'), as routes-compiled.ts exports them; each bundle keeps the one it uses.
 */
const precompiledRoutes = (table) => ({
  name: 'precompiled-routes',
  setup(build) {
    build.onLoad({ filter: /[\\/]route-table[\\/]routes-compiled\.ts$/ }, () => {
      const { compileRouteTable, bearerRoutes, routeScopes } = tsx.require(
        join(ROOT, 'route-table/compile.ts'),
        __filename,
      );
      const routes = table ?? tsx.require(join(ROOT, 'routes.ts'), __filename).routes;
      const { protectedRoutes, scopes } = compileRouteTable(routes);
      const whole = { protectedRoutes, scopes };
      return {
        contents:
          `export const table = ${JSON.stringify(whole)};\n` +
          `export const bearerTable = ${JSON.stringify(bearerRoutes(routes))};\n` +
          `export const scopesByRoute = ${JSON.stringify(routeScopes(whole))};`,
        loader: 'js',
        watchFiles: [join(ROOT, 'routes.ts')],
      };
    });
  },
});

/**
 * Modules a bundle loads later than the rest, each put in a file of its own beside it instead of
 * inside it: `require('./powertools')` in authorizer/logger.ts becomes
 * `require('./index.powertools.js')`, and that file is built here with the same options.
 * - powertools: Powertools' Logger, loaded at the first log line. A cold start that writes none
 *   (allowed requests at INFO) never compiles it.
 * Each file is named after its bundle, so serverless-esbuild packages it with that function only,
 * as it does a bundle's source map.
 */
const SEPARATE = ['powertools'];
const separateFiles = () => ({
  name: 'separate-files',
  setup(build) {
    const { entryPoints, outdir, outfile } = build.initialOptions;
    const entry = Array.isArray(entryPoints) ? entryPoints[0] : undefined;
    const bundle = outfile ?? (entry && outdir && join(outdir, basename(entry)));
    if (!bundle) return;
    const name = basename(bundle, extname(bundle));
    const separate = new Map();
    const filter = new RegExp(`^\\./(${SEPARATE.join('|')})$`);
    build.onResolve({ filter }, async (args) => {
      if (args.kind !== 'require-call' || args.pluginData === 'separate') return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        importer: args.importer,
        pluginData: 'separate',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      const file = `${name}.${basename(args.path)}.js`;
      separate.set(resolved.path, file);
      return { path: `./${file}`, external: true };
    });
    build.onEnd(async (result) => {
      if (result.errors.length > 0 || build.initialOptions.write === false) return;
      const {
        entryPoints: _entries,
        outdir: _outdir,
        outfile: _outfile,
        plugins = [],
        ...options
      } = build.initialOptions;
      for (const [source, file] of separate) {
        const built = await build.esbuild.build({
          ...options,
          metafile: false,
          entryPoints: [source],
          outfile: join(dirname(bundle), file),
          plugins: plugins.filter((plugin) => plugin.name !== 'separate-files'),
        });
        result.errors.push(...built.errors);
      }
    });
  },
});

module.exports = [precompiledRoutes(), separateFiles()];
module.exports.precompiledRoutes = precompiledRoutes;
module.exports.separateFiles = separateFiles;
