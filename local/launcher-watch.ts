import { execFileSync } from 'node:child_process';
import { isAlive } from './stack-state';

/**
 * The processes that launched this one and whose end should end it: the parent (tsx), and, under
 * `npm start`, each ancestor up to npm itself (npm, then `sh -c`, then tsx). Read once with `ps`
 * (Linux and macOS); a process whose ancestry cannot be read watches its parent alone.
 */
export function launchers(env: NodeJS.ProcessEnv = process.env, maxDepth = 5): number[] {
  const chain = [process.ppid];
  if (!env.npm_lifecycle_event) return chain;
  try {
    let pid = process.ppid;
    for (let depth = 0; depth < maxDepth; depth += 1) {
      const line = execFileSync('ps', ['-o', 'ppid=,args=', '-p', String(pid)], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
      const match = /^(\d+)\s+(.*)$/.exec(line);
      if (!match) break;
      // npm's own process ends the chain: what launched npm (a shell, an editor) is the user's.
      if (
        /(^|[\s/])(npm|npx|pnpm|yarn|bun)(-cli\.js)?(\s|$)|np[mx]-cli\.js/.test(match[2] as string)
      )
        break;
      pid = Number(match[1]);
      if (pid <= 1) break;
      chain.push(pid);
    }
  } catch {
    // no `ps` here: the parent alone
  }
  return chain;
}

/**
 * Calls `onGone` once when a launcher is gone (killed, kill -9 included) or this process was
 * handed to another parent: the stack then stops rather than run on with nobody to stop it.
 */
export function watchLaunchers(onGone: () => void, everyMs = 500): () => void {
  const parent = process.ppid;
  const watched = launchers();
  const timer = setInterval(() => {
    if (process.ppid !== parent || !watched.every(isAlive)) {
      clearInterval(timer);
      onGone();
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
