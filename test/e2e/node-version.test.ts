import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { unsupportedNode } from '../../settings/node-version.cjs';
import { isolatedEnv, ROOT, run } from '../../testkit/processes';

// `npm test` on a Node.js older than package.json's engines stops at once, with the one line
// `npm start` prints, before any suite starts a process. The older Node.js is played by a preload
// that reports another version: the check reads process.versions, as on a real one.
it('npm test on Node.js 20 stops at once with one line and exit code 1', async () => {
  const env = isolatedEnv();
  const preload = join(env.LOCAL_STATE_DIR as string, 'node-20.cjs');
  writeFileSync(
    preload,
    "Object.defineProperty(process.versions, 'node', { value: '20.20.2' });\n",
  );
  const result = await run(
    process.execPath,
    ['--require', preload, join(ROOT, 'node_modules/jest/bin/jest.js')],
    env,
  );
  expect(result).toEqual({
    code: 1,
    stdout: '',
    stderr: `${unsupportedNode('npm test', '20.20.2')}\n`,
  });
  // The same line as npm start's, but for the command's name.
  expect(result.stderr.replace(/^npm test: /, '')).toBe(
    `${unsupportedNode('npm start', '20.20.2')?.replace(/^npm start: /, '')}\n`,
  );
});
