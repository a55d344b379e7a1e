// Shared by the load benchmarks: cleanup of the processes and folders they start, small
// utilities (percentiles, bounded concurrency, polling), /proc readings (RSS, peak, threads, CPU)
// and starting the real binary on a free loopback port. Node 20, built-ins only.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------- cleanup

const children = new Set();
const tempDirs = new Set();
process.on('exit', () => {
  for (const child of children) {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  }
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.add(dir);
  return dir;
}

// ---------------------------------------------------------------- small utilities

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
export const MB = (kb) => kb / 1024;
export const fmtMB = (kb) => `${MB(kb).toFixed(1)} MB`;
export const fmtMs = (ms) => (ms === undefined || Number.isNaN(ms) ? '-' : ms < 10 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`);

/** Polls fn until truthy; throws after ms. */
export async function until(fn, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(20);
  }
}

export function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Runs fn over items with at most `limit` at once. */
export async function eachLimited(items, limit, fn) {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i], i);
    }
  });
  await Promise.all(workers);
}

/** Source address for attacker i when `perAddress` connections share one: 127.0.1.1, 127.0.1.2, ... */
export function spreadAddress(i, perAddress) {
  const k = Math.floor(i / perAddress);
  return `127.0.${1 + Math.floor(k / 250)}.${1 + (k % 250)}`;
}

// ---------------------------------------------------------------- /proc

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

export function procStatus(pid) {
  const text = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(text)?.[1]);
  return { rss: field('VmRSS'), hwm: field('VmHWM'), threads: field('Threads') };
}

export function cpuSeconds(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK; // utime + stime
}

/** Resets VmHWM to the current RSS (Linux >= 4.0), so a peak can be taken per phase. */
export function resetPeak(pid) {
  fs.writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/** Samples status every intervalMs until stop() and returns maxima (kB, threads). */
export function sampler(pid, intervalMs = 50) {
  const max = { rss: 0, threads: 0, timeline: [] }; // timeline: [seconds, RSS kB] once a second
  const started = Date.now();
  const take = () => {
    try {
      const s = procStatus(pid);
      const second = Math.floor((Date.now() - started) / 1000);
      if (max.timeline.length === 0 || max.timeline.at(-1)[0] < second) max.timeline.push([second, s.rss]);
      max.rss = Math.max(max.rss, s.rss);
      max.threads = Math.max(max.threads, s.threads);
    } catch {
      /* exited */
    }
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return max;
    },
  };
}

// ---------------------------------------------------------------- the server

export const NO_LIMITS = {
  VISIONARY_CLIENT_RATE: '100000/min',
  VISIONARY_CLIENT_MAX_IN_FLIGHT: '0',
  VISIONARY_MAX_IN_FLIGHT: '0',
  VISIONARY_CLIENT_DAILY_IMAGES: '0',
  VISIONARY_DAILY_BUDGET_USD: '0',
};
const READY = /visionary listening on (http:\/\/\S+)/;

/** The binary a benchmark measures: an argument (a build dir or the binary), $VISIONARY_BIN, or
 * <repo>/build/visionary. Exits the process when there is none. */
export function binaryFrom(arg) {
  const candidate = arg || process.env.VISIONARY_BIN || path.join(root, 'build');
  const binary = path.resolve(fs.statSync(candidate, { throwIfNoEntry: false })?.isDirectory() ? path.join(candidate, 'visionary') : candidate);
  if (!fs.existsSync(binary)) {
    console.error(`no binary at ${binary}`);
    process.exit(2);
  }
  return binary;
}

/** Starts `binary serve` (or `role`) on a free loopback port with only PATH, HOME and env set. */
export async function startServer(binary, { env = {}, launcher = [], role = 'serve', args: extra = [] } = {}) {
  const dataDir = tempDir('visionary-bench-');
  const args = role === 'web' ? [role, '--port', '0', '--host', '127.0.0.1', ...extra]
    : [role, '--port', '0', '--host', '127.0.0.1', '--data-dir', dataDir, ...extra];
  const [command, ...prefix] = [...launcher, binary];
  const child = spawn(command, [...prefix, ...args], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  const lines = []; // {t, text}: every line the server printed, with its arrival time
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.setEncoding('utf8').on('data', (d) => {
      partial += d;
      for (let i; (i = partial.indexOf('\n')) >= 0; partial = partial.slice(i + 1)) {
        lines.push({ t: Date.now(), text: partial.slice(0, i) });
      }
    });
  }
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.once('exit', () => children.delete(child));
  const url = await until(() => {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`visionary exited before it was ready:\n${lines.map((l) => l.text).join('\n')}`);
    }
    return lines.map((l) => READY.exec(l.text)?.[1]).find(Boolean);
  }, 20_000, 'the server to listen');
  const origin = new URL(url).origin;
  return {
    pid: child.pid,
    origin,
    port: Number(new URL(url).port),
    lines,
    dataDir,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const done = await Promise.race([exited.then(() => true), sleep(3000).then(() => false)]);
      if (!done) {
        child.kill('SIGKILL');
        await Promise.race([exited, sleep(3000)]);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
      tempDirs.delete(dataDir);
    },
  };
}

// ---------------------------------------------------------------- HTTP clients

/** One request on its own connection; resolves {status, ms, body} or {error, ms}. Never rejects. */
export function request(origin, pathName, { method = 'GET', body, localAddress, timeoutMs = 10_000 } = {}) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6;
    let settled = false;
    const finish = (value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...value, ms: ms() });
    };
    const headers = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const req = http.request(`${origin}${pathName}`, { method, agent: false, localAddress, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => finish({ status: res.statusCode, body: Buffer.concat(chunks) }));
      res.on('error', (e) => finish({ error: e.code ?? e.message }));
    });
    const timer = setTimeout(() => {
      finish({ error: 'timeout' });
      req.destroy();
    }, timeoutMs);
    req.on('error', (e) => finish({ error: e.code ?? e.message }));
    req.end(body);
  });
}

