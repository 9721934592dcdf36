// Reads routes.ts beside serverless.yml, attaches the Okta authorizer (custom.oktaAuthorizer) to
// every http event whose route it protects, and refuses a table and wiring that disagree, so
// nothing deploys (or runs offline) half-protected. Runs before package, deploy and offline.
const { writeFileSync } = require('node:fs');
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
    // `npm start`'s local gateway answers as API Gateway would, from this same resolved config.
    if (process.env.LOCAL_GATEWAY_FILE) {
      const { describeGateway } = load('local/gateway-description.ts');
      writeFileSync(process.env.LOCAL_GATEWAY_FILE, JSON.stringify(describeGateway(service)));
      // The gateway answers preflights; offline's own CORS would overwrite what the handlers set.
      for (const fn of Object.values(service.functions || {})) {
        for (const event of fn.events || []) if (event.http) delete event.http.cors;
      }
    }
  }
}

module.exports = RouteAccessPlugin;
