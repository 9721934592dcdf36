// serverless-esbuild stages each function's zip in a folder of the OS temp directory, named
// `<function>-<pid>-<time>-<8 hex>`, and its clean-up removes that folder without `recursive`:
// the folder is never empty, so it stays (floydspace/serverless-esbuild#589, not in 1.57.2). This
// removes the folders this process staged, once the zips are written.
const { readdirSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

class ZipStagingPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    const clean = () => this.clean();
    this.hooks = {
      'after:package:createDeploymentArtifacts': clean,
      'after:deploy:function:packageFunction': clean,
    };
  }

  clean() {
    const names = new Set(this.serverless.service.getAllFunctions());
    const staged = new RegExp(`^(.+)-${process.pid}-\\d+-[0-9a-f]{8}$`);
    for (const entry of readdirSync(tmpdir())) {
      const name = staged.exec(entry)?.[1];
      if (name && names.has(name)) rmSync(join(tmpdir(), entry), { recursive: true, force: true });
    }
  }
}

module.exports = ZipStagingPlugin;
