// Throttling and concurrency (custom.capacity, from settings.ts): the stage's request rate and
// burst, and concurrency reserved for the authorizer, so a flood on a public route cannot throttle
// it into 500s on every protected one. osls configures neither.
class CapacityPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      initialize: () => this.reserve(),
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.throttle(),
    };
  }

  capacity() {
    return this.serverless.service.custom.capacity;
  }

  reserve() {
    const reserved = this.capacity().authorizerReservedConcurrency;
    const authorizer = this.serverless.service.functions.authorizer;
    if (authorizer && reserved !== 'off') authorizer.reservedConcurrency = reserved;
  }

  throttle() {
    const { throttleRate, throttleBurst } = this.capacity();
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::ApiGateway::Deployment') continue;
      resource.Properties.StageDescription = {
        ...resource.Properties.StageDescription,
        ThrottlingRateLimit: throttleRate,
        ThrottlingBurstLimit: throttleBurst,
      };
    }
  }
}

module.exports = CapacityPlugin;
