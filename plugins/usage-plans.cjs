// Limits per caller (routes.ts callers, settings/callers.ts): the REST API's API key source is the
// authorizer, one API key and one usage plan per caller with limits and one for `others`, each on
// the stage, and every protected method requires a key (the authorizer names it; callers never
// send one). Anonymous methods and CORS preflights stay open. Without limits, nothing changes.
// Through osls's own provider.apiGateway.apiKeys / usagePlan / http.private.
class UsagePlansPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { initialize: () => this.apply() };
  }

  apply() {
    const { service } = this.serverless;
    const plans = service.custom.settings.usagePlans || [];
    if (plans.length === 0) return;
    const stage = this.serverless.getProvider('aws').getStage();
    const apiGateway = (service.provider.apiGateway = service.provider.apiGateway || {});
    apiGateway.apiKeySourceType = 'AUTHORIZER';
    apiGateway.apiKeys = plans.map((p) => ({
      [p.plan]: [
        {
          name: `${service.service}-${stage}-${p.caller}`,
          value: p.key,
          description: `The usage plan of ${p.caller} (routes.ts callers), named by the authorizer; not a secret.`,
        },
      ],
    }));
    apiGateway.usagePlan = plans.map((p) => ({
      [p.plan]: {
        throttle: { rateLimit: p.limits.rate, burstLimit: p.limits.burst },
        ...(p.limits.quota && {
          quota: { limit: p.limits.quota.limit, period: p.limits.quota.period },
        }),
      },
    }));
    // The route-access plugin has attached the authorizers: exactly those methods need a key.
    for (const fn of Object.values(service.functions || {})) {
      for (const event of fn.events || []) {
        if (event.http && event.http.authorizer) event.http.private = true;
      }
    }
  }
}

module.exports = UsagePlansPlugin;
