// One cold start to its first answer, as the Lambda Node.js runtime performs it, in a fresh process:
//   node bench/first-answer.mjs <handler file> <event file>
// prints the milliseconds from the handler's import() to its answer to the event, and the answer's
// effect. A script file, not `node -e`: Node.js 24 loads node:crypto before evaluating `-e` code,
// which would leave that module's cost out. What the runtime interface client has loaded before it
// imports the handler, in its version 4, the one for Node.js 24 (aws/aws-lambda-nodejs-runtime-
// interface-client): node:http for the Runtime API, node:fs and node:path to find the handler; it
// import()s the handler, a CommonJS bundle included. The event is read before the clock starts.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
for (const name of ['node:http', 'node:fs', 'node:path']) require(name);

const [file, eventFile] = process.argv.slice(2);
const event = JSON.parse(readFileSync(eventFile, 'utf8'));
const started = performance.now();
const loaded = await import(pathToFileURL(file).href);
const handler = loaded.handler ?? loaded.default.handler;
let effect;
try {
  const result = await handler(event);
  effect = result.policyDocument.Statement[0].Effect;
} catch (error) {
  effect = `error: ${error.message}`;
}
console.log(performance.now() - started, effect);
process.exit(0);
