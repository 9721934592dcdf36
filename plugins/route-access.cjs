// Reads routes.ts beside serverless.yml, attaches the Okta authorizer (custom.oktaAuthorizer) to
// every http event whose route it protects, and refuses a table and wiring that disagree, so
// nothing deploys (or runs offline) half-protected. Runs before package, deploy and offline.
const { join } = require('node:path');
const tsx = require('tsx/cjs/api');

class RouteAccessPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { initialize: () => this.apply() };
  }

  apply() {
    const { service, serviceDir } = this.serverless;
    const load = (module) => tsx.require(join(serviceDir, module), __filename);
    const { wireRoutes } = load('route-table/wiring.ts');
    const { RouteTableError } = load('route-table/compile.ts');
    try {
      wireRoutes(
        load('routes.ts').routes,
        service.functions || {},
        service.custom && service.custom.oktaAuthorizer,
        service.custom && service.custom.oktaDpopAuthorizer,
      );
    } catch (error) {
      if (error instanceof RouteTableError) throw new this.serverless.classes.Error(error.message);
      throw error;
    }
  }
}

module.exports = RouteAccessPlugin;
