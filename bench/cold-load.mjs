// One cold start, as the Lambda Node.js runtime performs it, in a fresh process:
//   node bench/cold-load.mjs <bundle>          prints the bundle's load time and its init time (ms)
//   node bench/cold-load.mjs --node-modules    prints the load time of Node.js's own modules a
//                                              verifier of Okta tokens needs (the part that is Node's)
// A script file, not `node -e`: Node.js 24 loads node:crypto before evaluating `-e` code, which
// would leave that module's cost out of every figure.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
// What the runtime interface client has loaded before it imports the handler, in its version 4,
// the one for Node.js 24 (aws/aws-lambda-nodejs-runtime-interface-client, RELEASE.CHANGELOG.md):
// node:http for the Runtime API (src/client/rapid-client.ts), node:fs and node:path to find the
// handler (src/function/).
for (const name of ['node:http', 'node:fs', 'node:path']) require(name);

const target = process.argv[2];
const started = performance.now();
if (target === '--node-modules') {
  for (const name of ['node:crypto', 'node:https']) require(name);
} else {
  // As that runtime does (src/function/module-loader.ts, dynamic-imports.ts): import(), a CommonJS
  // bundle included. Its version 3 require()d .js files; import() costs a few ms more.
  await import(pathToFileURL(target).href);
}
const load = performance.now() - started;
// init: plus what the module schedules for the next turn (the authorizers' JWKS prefetch set-up).
setImmediate(() => {
  console.log(load, performance.now() - started);
  process.exit(0);
});
