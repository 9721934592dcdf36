// Development only: the serverless plugin through which `npm start` learns what its local gateway
// needs. With LOCAL_GATEWAY_FILE set (local/stack.ts sets it for serverless offline), it writes the
// gateway's description (local/gateway-description.ts) from serverless.yml as serverless resolved
// it, after the route-access plugin has wired the authorizers, and leaves CORS to that gateway.
// Without it (package, deploy), it does nothing.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const tsx = require('tsx/cjs/api');

class OfflineGatewayPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { initialize: () => this.apply() };
  }

  apply() {
    const file = process.env.LOCAL_GATEWAY_FILE;
    if (!file) return;
    const { service, serviceDir } = this.serverless;
    const { describeGateway } = tsx.require(
      join(serviceDir, 'local/gateway-description.ts'),
      __filename,
    );
    writeFileSync(file, JSON.stringify(describeGateway(service)));
    // The gateway answers preflights; offline's own CORS would overwrite what the handlers set.
    // It applies the usage plans too: offline would ask callers for an x-api-key header instead.
    for (const fn of Object.values(service.functions || {})) {
      for (const event of fn.events || []) {
        if (event.http) {
          delete event.http.cors;
          delete event.http.private;
        }
      }
    }
  }
}

module.exports = OfflineGatewayPlugin;
