// esbuild plugins for serverless-esbuild (custom.esbuild.plugins): the authorizer bundle gets the
// route table compiled at build time instead of the code that compiles it.
const { join } = require('node:path');
const tsx = require('tsx/cjs/api');

const ROOT = join(__dirname, '..');

/**
 * routes.ts, or the table given (the benchmark's 50-route one), compiled into the bundle: the
 * whole table (the DPoP authorizer's) and the TOKEN authorizer's routes (routes-compiled.ts); each
 * bundle keeps the one it uses.
 */
const precompiledRoutes = (table) => ({
  name: 'precompiled-routes',
  setup(build) {
    build.onLoad({ filter: /[\\/]authorizer[\\/]routes-compiled\.ts$/ }, () => {
      const { compileRouteTable, bearerRoutes } = tsx.require(
        join(ROOT, 'authorizer/route-table.ts'),
        __filename,
      );
      const routes = table ?? tsx.require(join(ROOT, 'routes.ts'), __filename).routes;
      const { protectedRoutes, scopes } = compileRouteTable(routes);
      const bearer = bearerRoutes(routes);
      return {
        contents:
          `export const table = ${JSON.stringify({ protectedRoutes, scopes })};\n` +
          `export const bearerTable = ${JSON.stringify(bearer)};`,
        loader: 'js',
        watchFiles: [join(ROOT, 'routes.ts')],
      };
    });
  },
});

/**
 * The AWS SDK's default credential chain replaced by the Lambda runtime's only source, the
 * environment (authorizer/lambda-credentials.ts): the bundled DynamoDB client then loads no
 * STS, SSO or IMDS code.
 */
const lambdaCredentials = () => ({
  name: 'lambda-credentials',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: join(ROOT, 'authorizer/lambda-credentials.ts'),
    }));
  },
});

module.exports = [precompiledRoutes(), lambdaCredentials()];
module.exports.precompiledRoutes = precompiledRoutes;
module.exports.lambdaCredentials = lambdaCredentials;
