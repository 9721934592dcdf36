// osls's ApiGatewayDeployment depends only on the methods: on a first deploy (or one that changes
// them) the stage can be snapshotted before the gateway responses exist, and 401/403 answers lack
// their CORS and WWW-Authenticate headers until the next deploy (serverless/serverless #6210,
// #2233). Make every deployment wait for every gateway response.
class GatewayResponsesFirstPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'after:aws:package:finalize:mergeCustomProviderResources': () => this.apply(),
    };
  }

  apply() {
    const resources = this.serverless.service.provider.compiledCloudFormationTemplate.Resources;
    const responses = Object.keys(resources).filter(
      (id) => resources[id].Type === 'AWS::ApiGateway::GatewayResponse',
    );
    for (const resource of Object.values(resources)) {
      if (resource.Type !== 'AWS::ApiGateway::Deployment') continue;
      const dependsOn = [resource.DependsOn ?? []].flat();
      resource.DependsOn = [...new Set([...dependsOn, ...responses])];
    }
  }
}

module.exports = GatewayResponsesFirstPlugin;
