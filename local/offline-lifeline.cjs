'use strict';
/**
 * Preloaded (`node --require`) into serverless offline by local/stack.ts. The stack hands offline
 * the read end of a pipe as a file descriptor (LOCAL_STACK_LIFELINE_FD) and never writes to it:
 * when the stack's process is gone, however it went (kill -9 included), the pipe closes, and
 * offline stops with its process group instead of holding its ports in a session of its own.
 */
const { isMainThread } = require('node:worker_threads');

const fd = Number(process.env.LOCAL_STACK_LIFELINE_FD);
const removeOnKill = (() => {
  try {
    return JSON.parse(process.env.LOCAL_STACK_REMOVE_ON_KILL || '[]');
  } catch {
    return [];
  }
})();
// Not for the processes and workers offline starts: the descriptor is this process's alone.
delete process.env.LOCAL_STACK_LIFELINE_FD;
delete process.env.LOCAL_STACK_REMOVE_ON_KILL;

if (isMainThread && Number.isInteger(fd) && fd > 2) {
  const { Socket } = require('node:net');
  const lifeline = new Socket({ fd, readable: true, writable: false });
  lifeline.on('error', () => undefined);
  lifeline.once('close', () => {
    // The stack's state (dev secrets): it could not remove it if it was killed.
    const { rmSync } = require('node:fs');
    for (const file of removeOnKill) rmSync(String(file), { force: true });
    try {
      // Offline leads its own process group (local/stack.ts starts it detached).
      process.kill(-process.pid, 'SIGTERM');
    } catch {
      process.kill(process.pid, 'SIGTERM');
    }
    // If its shutdown hangs, go anyway.
    setTimeout(() => process.exit(1), 5000).unref();
  });
  lifeline.resume();
  // The pipe alone never keeps offline running.
  lifeline.unref();
}
