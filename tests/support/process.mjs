// Child-process plumbing shared by the test helpers: every process started is killed when the test
// process exits, exits can be awaited with a deadline, and a process's readiness line is awaited
// without sleeping. Only node: built-ins.

const live = new Set();
process.on('exit', () => {
  for (const child of live) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* already gone */
    }
  }
});

/** Kills `child` with the test process at the latest; forgets it once it has exited. */
export function track(child) {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

/** Resolves with {code, signal} once the child exits (at once if it already has). */
export function exited(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Like exited(), but resolves with null when the child is still running after ms. */
export async function exitWithin(child, ms) {
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve(null), ms);
  });
  try {
    return await Promise.race([exited(child), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Waits until output() (everything the child printed so far) matches pattern, checking whenever
 * its stdout receives data. Resolves with {match} or, when the child exits or fails to start or
 * deadlineMs passes first, with {error} naming `name`.
 */
export function waitForOutput(child, output, pattern, { name, deadlineMs }) {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout.off('data', check);
      child.off('exit', onExit);
      child.off('error', onError);
      resolve(value);
    };
    const check = () => {
      const match = pattern.exec(output());
      if (match) finish({ match });
    };
    const onExit = (code, signal) => finish({ error: `${name} exited (code ${code}, signal ${signal}) before it was ready` });
    const onError = (e) => finish({ error: `cannot start ${name}: ${e.message}` });
    const timer = setTimeout(() => finish({ error: `${name} was not ready within ${deadlineMs} ms` }), deadlineMs);
    child.stdout.on('data', check);
    child.once('exit', onExit);
    child.once('error', onError);
    check();
  });
}
