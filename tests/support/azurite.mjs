// Azurite (npm azurite@3.35.0, blob service only) for the black-box tests: started on a free loopback
// port with a fresh temporary location, stopped by PID, location removed afterwards. It can be
// stopped and started again on the same port and location (to test storage outages).
// Only node: built-ins.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { exitWithin, exited, track, waitForOutput } from './process.mjs';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const TESTS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const AZURITE_BIN = path.join(TESTS_DIR, 'node_modules', '.bin', 'azurite-blob');
const LISTENING = /successfully listens on http:\/\/127\.0\.0\.1:(\d+)/;
const START_DEADLINE_MS = 30_000;
const STOP_DEADLINE_MS = 15_000;

/** A unique container name (3..63 of [a-z0-9-], starting with a letter). */
export function uniqueContainer(prefix = 'it') {
  const random = Math.random().toString(36).slice(2, 10).replace(/[^a-z0-9]/g, '0');
  return `${prefix}-${Date.now().toString(36)}-${random}`.slice(0, 63);
}

/**
 * Starts Azurite. Options: port (default 0 = free), location (default: a fresh temp dir, removed at
 * cleanup), t (registers cleanup when the test ends, pass or fail).
 * Returns {port, endpoint, location, connectionString, output(), stop(), start(), cleanup()}:
 * stop() ends it (SIGTERM by PID, SIGKILL after a deadline), start() brings it back on the same
 * port and location.
 */
export async function startAzurite({ port = 0, location, t } = {}) {
  if (!fs.existsSync(AZURITE_BIN)) {
    throw new Error(`${AZURITE_BIN} is missing: Azure Storage tests need the npm package azurite@3.35.0 — run scripts/setup.sh (it runs \`npm ci\` in tests/).`);
  }
  let ownedLocation = false;
  if (!location) {
    location = fs.mkdtempSync(path.join(os.tmpdir(), 'visionary-azurite-'));
    ownedLocation = true;
  }
  let child = null;
  let out = '';

  const azurite = {
    port,
    location,
    get endpoint() {
      return `http://127.0.0.1:${azurite.port}/${AZURITE_ACCOUNT}`;
    },
    get connectionString() {
      return `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};BlobEndpoint=${azurite.endpoint};`;
    },
    output: () => out,
    running: () => child !== null && child.exitCode === null && child.signalCode === null,

    async start() {
      if (azurite.running()) throw new Error('Azurite is already running');
      out = '';
      child = spawn(process.execPath, [AZURITE_BIN, '--blobHost', '127.0.0.1', '--blobPort', String(azurite.port),
        '--location', location, '--silent', '--disableTelemetry'], { stdio: ['ignore', 'pipe', 'pipe'] });
      const proc = track(child);
      proc.stdout.setEncoding('utf8').on('data', (d) => (out += d));
      proc.stderr.setEncoding('utf8').on('data', (d) => (out += d));
      const ready = await waitForOutput(proc, () => out, LISTENING, { name: 'Azurite', deadlineMs: START_DEADLINE_MS });
      if (ready.error) {
        await azurite.stop();
        throw new Error(`${ready.error}\n${out}\n(If the package is broken, run scripts/setup.sh.)`);
      }
      azurite.port = Number(ready.match[1]);
      return azurite;
    },

    async stop() {
      const proc = child;
      if (!proc) return;
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      if (!(await exitWithin(proc, STOP_DEADLINE_MS))) {
        proc.kill('SIGKILL');
        await exited(proc);
      }
    },

    async cleanup() {
      await azurite.stop();
      if (ownedLocation) fs.rmSync(location, { recursive: true, force: true });
    },
  };
  t?.after(() => azurite.cleanup());
  try {
    await azurite.start();
  } catch (e) {
    await azurite.cleanup();
    throw e;
  }
  return azurite;
}
