// Shared helpers for the black-box integration tests: start the real `visionary` binary on a free
// loopback port with a clean environment and its own data directory, talk to it, inspect what it
// stored, and make sure every process and folder a test created is gone afterwards.
// Only node: built-ins.

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';

import { startFakeOpenAI } from '../fakes/fake_openai.mjs';
import { exitWithin, exited, track, waitForOutput } from './process.mjs';

export const BINARY = process.env.VISIONARY_BIN || '/work/main/build/visionary';
const READY_LINE = /^visionary listening on (http:\/\/\S+)\s*$/m;
const START_DEADLINE_MS = 20_000;
const STOP_DEADLINE_MS = 15_000;

// ---------------------------------------------------------------- safety nets

// Secrets that must never appear in any response: every api()/request() checks them.
const secrets = new Set();
export function registerSecret(secret) {
  if (secret) secrets.add(secret);
}
function assertNoSecrets(where, headers, body) {
  const headerText = JSON.stringify(headers);
  const bodyText = Buffer.isBuffer(body) ? body.toString('latin1') : String(body ?? '');
  for (const secret of secrets) {
    assert.ok(!headerText.includes(secret), `${where}: a secret appears in the response headers`);
    assert.ok(!bodyText.includes(secret), `${where}: a secret appears in the response body`);
  }
}

// ---------------------------------------------------------------- small utilities

/** A fresh temp folder, removed after the test (t) ends. */
export function tempDir(t, prefix = 'visionary-it-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t?.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Polls fn until it returns a truthy value; throws with `what` after timeoutMs. */
export async function waitFor(fn, { timeoutMs = 10_000, intervalMs = 20, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/**
 * The lines of server.output() logged under request id `requestId` that match `pattern`, joined;
 * waits for at least one, since the log arrives through a pipe after the answer.
 */
export async function logOf(server, requestId, pattern) {
  const lines = () => server.output().split('\n').filter((line) => line.includes(`[${requestId}]`) && pattern.test(line));
  await waitFor(() => lines().length > 0, { what: `a log line of request ${requestId} matching ${pattern}` });
  return lines().join('\n');
}

/** A loopback port that nothing listens on (bound, then released). */
export async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

// Suites that are not about cost control run without its limits; the limit suites set their own
// values, and `null` removes one so that the binary's default applies.
export const NO_LIMITS = {
  VISIONARY_CLIENT_RATE: '100000/min',
  VISIONARY_MAX_IN_FLIGHT: '0',
  VISIONARY_CLIENT_MAX_IN_FLIGHT: '0',
  VISIONARY_CLIENT_DAILY_IMAGES: '0',
  VISIONARY_DAILY_BUDGET_USD: '0',
};

// The demo paints at once unless a suite about progress asks for its stages.
const QUICK_DEMO = { VISIONARY_DEMO_STAGE_MS: '0' };

function cleanEnv(env = {}) {
  const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? os.tmpdir() };
  const out = { ...base, ...NO_LIMITS, ...QUICK_DEMO };
  for (const [k, v] of Object.entries(env)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = String(v);
  }
  return out;
}

// ---------------------------------------------------------------- the binary

/**
 * Runs the binary to completion (for configuration failures): {code, signal, stdout, stderr}.
 * Kills it and throws if it is still running after timeoutMs.
 */
export async function runBinary({ env = {}, args = ['serve', '--port', '0'], timeoutMs = 20_000 } = {}) {
  const child = track(spawn(BINARY, args, { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (stderr += d));
  const spawnError = new Promise((resolve) => child.once('error', resolve));
  const result = await Promise.race([exitWithin(child, timeoutMs), spawnError.then((e) => ({ error: e }))]);
  if (result?.error) {
    throw new Error(`cannot run ${BINARY}: ${result.error.message}`);
  }
  if (result === null) {
    child.kill('SIGKILL');
    await exited(child);
    throw new Error(`${BINARY} ${args.join(' ')} still ran after ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`);
  }
  // Let the pipes drain so stdout/stderr are complete.
  await Promise.all([
    new Promise((r) => (child.stdout.readableEnded ? r() : child.stdout.once('close', r))),
    new Promise((r) => (child.stderr.readableEnded ? r() : child.stderr.once('close', r))),
  ]);
  return { code: result.code, signal: result.signal, stdout, stderr };
}

/**
 * Starts `visionary ROLE --port 0 --host 127.0.0.1 --data-dir DIR` (ROLE = option `role`, default
 * serve; `web` gets no --data-dir) with a clean environment
 * (PATH, HOME and `env` only) and waits for its "listening" line.
 * Options: env, args (extra arguments), dataDir (default: a new temp dir), t (registers cleanup:
 * the process is killed and an owned temp dir removed when the test ends, pass or fail), launcher
 * (a command that execs the binary, e.g. ['prlimit', '--nofile=64', '--']).
 * Returns {url, origin, port, dataDir, process, stdout(), stderr(), output(), stop(signal), exited()}.
 */
export async function startServer({ env = {}, args = [], dataDir, t, role = 'serve', launcher = [] } = {}) {
  let ownedDir = false;
  const hasStore = role !== 'web'; // `web` only forwards: no store, no --data-dir
  if (!dataDir && hasStore) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'visionary-it-'));
    ownedDir = true;
  }
  // `functions` listens on FUNCTIONS_CUSTOMHANDLER_PORT instead of --port when that is set.
  const argv = [role, '--port', '0', '--host', '127.0.0.1', ...(hasStore ? ['--data-dir', dataDir] : []), ...args];
  const [command, ...prefix] = [...launcher, BINARY];
  const child = track(spawn(command, [...prefix, ...argv], { env: cleanEnv(env), stdio: ['ignore', 'pipe', 'pipe'] }));
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d) => (err += d));

  const server = {
    dataDir,
    process: child,
    stdout: () => out,
    stderr: () => err,
    output: () => `--- stdout ---\n${out}\n--- stderr ---\n${err}`,
    exited: () => exited(child),
    /**
     * Sends `signal` (none when null: the caller already signalled), waits for the exit and
     * returns the exit code (or the signal name). Kills and throws after timeoutMs.
     */
    async stop(signal = 'SIGTERM', { timeoutMs = STOP_DEADLINE_MS } = {}) {
      if (signal && child.exitCode === null && child.signalCode === null) child.kill(signal);
      const result = await exitWithin(child, timeoutMs);
      if (result === null) {
        child.kill('SIGKILL');
        await exited(child);
        throw new Error(`visionary did not exit within ${timeoutMs} ms of ${signal}\n${server.output()}`);
      }
      return result.code ?? result.signal;
    },
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited(child);
      }
      if (ownedDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  t?.after(() => server.cleanup());

  const ready = await waitForOutput(child, () => out, READY_LINE, { name: `visionary ${role}`, deadlineMs: START_DEADLINE_MS });
  if (ready.error) {
    await server.cleanup();
    throw new Error(`${ready.error}\n${server.output()}`);
  }
  server.url = ready.match[1];
  server.origin = server.url;
  server.port = Number(new URL(server.url).port);
  return server;
}

/** startServer for another role: startRole('functions' | 'web' | 'serve', {env, args, dataDir, t}). */
export function startRole(role, options = {}) {
  return startServer({ ...options, role });
}

/**
 * `visionary functions` started as the Azure Functions host starts a custom handler: on a port
 * chosen for it in FUNCTIONS_CUSTOMHANDLER_PORT. A port found free can be taken by another process
 * before the server binds it, so that case is retried with another port.
 */
export async function startCustomHandler(options = {}) {
  for (let attempt = 1; ; attempt++) {
    const port = await closedPort();
    try {
      const server = await startServer({ ...options, role: 'functions', env: { ...(options.env ?? {}), FUNCTIONS_CUSTOMHANDLER_PORT: port } });
      server.customHandlerPort = port;
      return server;
    } catch (error) {
      if (attempt >= 3 || !/cannot listen/.test(error.message)) throw error;
    }
  }
}

/**
 * The API under test in the deployment shape named by VISIONARY_TEST_SHAPE, so one contract suite
 * runs against all three:
 *   serve      `visionary serve` (the default);
 *   functions  `visionary functions` alone, started as the Azure Functions host starts a custom
 *              handler (FUNCTIONS_CUSTOMHANDLER_PORT);
 *   split      `visionary web` in front of `visionary functions`, joined by a function key.
 * Same options and result as startServer; url is what a client talks to, dataDir the backend's.
 */
export const SHAPE = process.env.VISIONARY_TEST_SHAPE || 'serve';
export async function startApi(options = {}) {
  if (SHAPE === 'serve') return startServer(options);
  if (SHAPE === 'functions') return startCustomHandler(options);
  assert.equal(SHAPE, 'split', `unknown VISIONARY_TEST_SHAPE ${SHAPE}`);
  const key = `fk-${Math.random().toString(36).slice(2)}-contract-suite`;
  registerSecret(key);
  const backend = await startCustomHandler({ ...options, env: { ...(options.env ?? {}), VISIONARY_FUNCTIONS_KEY: key } });
  registerSecret(backend.url);
  const front = await startServer({
    t: options.t, role: 'web',
    env: { VISIONARY_FUNCTIONS_URL: backend.url, VISIONARY_FUNCTIONS_KEY: key,
      ...(options.env?.VISIONARY_MAX_BODY_BYTES ? { VISIONARY_MAX_BODY_BYTES: options.env.VISIONARY_MAX_BODY_BYTES } : {}) },
  });
  return {
    ...front,
    dataDir: backend.dataDir,
    backend,
    stdout: () => backend.stdout() + front.stdout(),
    stderr: () => backend.stderr() + front.stderr(),
    output: () => `--- backend ---\n${backend.output()}\n--- web ---\n${front.output()}`,
    async stop(signal = 'SIGTERM', opts) {
      await front.stop(signal, opts);
      return backend.stop(signal, opts);
    },
    async cleanup() {
      await front.cleanup();
      await backend.cleanup();
    },
  };
}

/** startFakeOpenAI with cleanup registered on t; its key is registered as a secret. */
export async function startFake(t, options = {}) {
  const fake = await startFakeOpenAI(options);
  registerSecret(options.apiKey ?? 'sk-test-key');
  t?.after(() => fake.close());
  return fake;
}
export { startFakeOpenAI };

// ---------------------------------------------------------------- HTTP

/**
 * fetch wrapper. init.json → JSON body with Content-Type application/json.
 * Returns {status, headers (Headers), json (parsed when the body is JSON), text, body (Buffer)}.
 */
export async function api(base, urlPath, init = {}) {
  const { json, ...rest } = init;
  const options = { redirect: 'manual', ...rest };
  if (json !== undefined) {
    options.body = JSON.stringify(json);
    options.headers = { 'content-type': 'application/json', ...(rest.headers ?? {}) };
  }
  const res = await fetch(new URL(urlPath, base), options);
  const body = Buffer.from(await res.arrayBuffer());
  const text = body.toString('utf8');
  let parsed;
  if ((res.headers.get('content-type') ?? '').includes('json') && body.length > 0) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  assertNoSecrets(`${options.method ?? 'GET'} ${urlPath}`, Object.fromEntries(res.headers), body);
  assert.ok(res.headers.get('x-request-id'), `${options.method ?? 'GET'} ${urlPath}: every response carries X-Request-Id (status ${res.status})`);
  return { status: res.status, headers: res.headers, json: parsed, text, body };
}

/** POST /api/generateImage with a JSON body. */
export function generate(base, body, init = {}) {
  return api(base, '/api/generateImage', { method: 'POST', json: body, ...init });
}

/**
 * Raw http.request (no URL normalisation): sends `path` byte for byte.
 * Returns {status, headers (lower-case object), body (Buffer), text, json}.
 */
export function request({ port, method = 'GET', path: rawPath, headers = {}, body, agent, host = '127.0.0.1' }) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port, method, path: rawPath, headers, agent: agent ?? false }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const buf = Buffer.concat(chunks);
        let json;
        if ((res.headers['content-type'] ?? '').includes('json') && buf.length) {
          try {
            json = JSON.parse(buf.toString('utf8'));
          } catch {
            json = undefined;
          }
        }
        try {
          assertNoSecrets(`${method} ${rawPath}`, res.headers, buf);
          assert.ok(res.headers['x-request-id'], `${method} ${rawPath}: every response carries X-Request-Id (status ${res.statusCode})`);
        } catch (e) {
          reject(e);
          return;
        }
        resolve({ status: res.statusCode, headers: res.headers, body: buf, text: buf.toString('utf8'), json });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/**
 * Asserts the one error shape {error:{code,message,requestId}} with the given status and code,
 * and that the X-Request-Id header equals error.requestId. Returns the error object.
 */
export function assertError(res, status, code) {
  const header = (name) => (typeof res.headers.get === 'function' ? res.headers.get(name) : res.headers[name.toLowerCase()]);
  const context = `status ${res.status}, body ${res.text?.slice(0, 500)}`;
  assert.equal(res.status, status, `expected HTTP ${status}; got ${context}`);
  assert.match(header('content-type') ?? '', /^application\/json/, `error content type (${context})`);
  assert.ok(res.json && typeof res.json === 'object', `error body is JSON (${context})`);
  assert.deepEqual(Object.keys(res.json), ['error'], `only "error" at top level (${context})`);
  const error = res.json.error;
  assert.equal(error.code, code, `error code (${context})`);
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0, 'error message is not empty');
  assert.equal(typeof error.requestId, 'string');
  assert.ok(error.requestId.length > 0, 'requestId is not empty');
  assert.equal(header('x-request-id'), error.requestId, 'X-Request-Id header equals error.requestId');
  return error;
}

// ---------------------------------------------------------------- what is stored

/** Every file under dataDir as sorted relative paths (forward slashes). */
export function listFiles(dataDir) {
  const out = [];
  const walk = (dir) => {
    let entries;
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      if (e.code === 'ENOENT') return;
      throw e;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(dataDir, full).split(path.sep).join('/'));
    }
  };
  walk(dataDir);
  return out.sort();
}

/** Where the embedded store keeps blob `name` of container `container`, relative to the data dir. */
export function blobFile(name, container = 'images') {
  return `blobs/${container}/${name}.blob`;
}

/**
 * Follows nextCursor through GET /api/getImages?limit=N (at most maxPages pages), checking each
 * answer and calling onPage(images, nextCursor) for extra checks. Returns {seen (ids in order),
 * pageSizes, cursor (null when the listing ended)}.
 */
export async function pageThrough(base, limit, { maxPages = 10, onPage } = {}) {
  const seen = [];
  const pageSizes = [];
  let cursor = null;
  for (let page = 0; page < maxPages; page++) {
    const query = cursor === null ? `?limit=${limit}` : `?limit=${limit}&cursor=${encodeURIComponent(cursor)}`;
    const res = await api(base, `/api/getImages${query}`);
    assert.equal(res.status, 200, res.text);
    const images = res.json.imageUrls;
    assert.ok(images.length <= limit, 'a page holds at most limit images');
    pageSizes.push(images.length);
    seen.push(...images.map((i) => i.id));
    cursor = res.json.nextCursor;
    onPage?.(images, cursor);
    if (cursor === null) break;
    assert.equal(typeof cursor, 'string');
    assert.ok(cursor.length > 0);
  }
  return { seen, pageSizes, cursor };
}

/** The spending ledger's blobs (bookkeeping, not content: a failed generation still updates it). */
export const isLedgerFile = (file) => /^(blobs|meta)\/[^/]+\/ledger\//.test(file) || file.startsWith('ledger/');

/** Job records and replica heartbeats (bookkeeping too: every generation runs as a job). */
export const isJobFile = (file) => /^(blobs|meta)\/[^/]+\/(jobs|replicas)\//.test(file);

/** Files under dataDir/blobs and dataDir/meta only (what generations add), without bookkeeping. */
export function listStored(dataDir) {
  return listFiles(dataDir).filter((f) => (f.startsWith('blobs/') || f.startsWith('meta/')) && !isLedgerFile(f) && !isJobFile(f));
}

// ---------------------------------------------------------------- PNG

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The PNG's chunks as [{type, data}]; throws on a malformed file. */
export function pngChunks(bytes) {
  assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'PNG signature');
  const chunks = [];
  let at = 8;
  while (at + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(at);
    const type = bytes.toString('latin1', at + 4, at + 8);
    const data = bytes.subarray(at + 8, at + 8 + length);
    chunks.push({ type, data });
    at += 12 + length;
    if (type === 'IEND') break;
  }
  return chunks;
}

/** Text chunks (tEXt, zTXt, iTXt) as [{type, keyword, text}]. */
export function pngTextChunks(bytes) {
  const out = [];
  for (const { type, data } of pngChunks(bytes)) {
    if (type === 'tEXt') {
      const nul = data.indexOf(0);
      out.push({ type, keyword: data.toString('latin1', 0, nul), text: data.toString('latin1', nul + 1) });
    } else if (type === 'zTXt') {
      const nul = data.indexOf(0);
      out.push({ type, keyword: data.toString('latin1', 0, nul), text: inflateSync(data.subarray(nul + 2)).toString('latin1') });
    } else if (type === 'iTXt') {
      const nul = data.indexOf(0);
      const keyword = data.toString('latin1', 0, nul);
      const compressed = data[nul + 1] === 1;
      const langEnd = data.indexOf(0, nul + 3);
      const translatedEnd = data.indexOf(0, langEnd + 1);
      const raw = data.subarray(translatedEnd + 1);
      out.push({ type, keyword, text: (compressed ? inflateSync(raw) : raw).toString('utf8') });
    }
  }
  return out;
}

// ---------------------------------------------------------------- links

/** Splits a relative or absolute link into {path, params: [[name, rawValue]...]} without decoding. */
export function splitLink(link) {
  const withoutOrigin = link.replace(/^https?:\/\/[^/]+/, '');
  const q = withoutOrigin.indexOf('?');
  const pathPart = q < 0 ? withoutOrigin : withoutOrigin.slice(0, q);
  const query = q < 0 ? '' : withoutOrigin.slice(q + 1);
  const params = query === '' ? [] : query.split('&').map((kv) => {
    const eq = kv.indexOf('=');
    return eq < 0 ? [kv, ''] : [kv.slice(0, eq), kv.slice(eq + 1)];
  });
  return { path: pathPart, params };
}

/** Rebuilds a link from splitLink's parts. */
export function joinLink({ path: p, params }) {
  return params.length ? `${p}?${params.map(([k, v]) => `${k}=${v}`).join('&')}` : p;
}

/** The link with raw query parameter `name` replaced by rawValue (or removed when rawValue is null). */
export function withParam(link, name, rawValue) {
  const parts = splitLink(link);
  const found = parts.params.some(([k]) => k === name);
  parts.params = parts.params
    .map(([k, v]) => (k === name ? [k, rawValue] : [k, v]))
    .filter(([, v]) => v !== null);
  if (!found && rawValue !== null) parts.params.push([name, rawValue]);
  return joinLink(parts);
}

// ---------------------------------------------------------------- Image objects

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_LINK_LIFETIME_MS = 30 * 60 * 1000;

/** A signed read link in the service-SAS format: sv, se, sr=b, sp=r, sig. */
export function assertSignedLink(link, what = 'link') {
  assert.equal(typeof link, 'string', `${what} is a string`);
  const { path: p, params } = splitLink(link);
  const get = (name) => params.find(([k]) => k === name)?.[1];
  assert.ok(p.startsWith('/blobs/') || /^https:\/\//.test(link), `${what} is /blobs/... or https: ${link}`);
  assert.ok(get('sv'), `${what} has sv`);
  assert.ok(get('se'), `${what} has se`);
  assert.equal(get('sr'), 'b', `${what} has sr=b`);
  assert.equal(get('sp'), 'r', `${what} has sp=r`);
  assert.ok(get('sig'), `${what} has sig`);
}

/**
 * Checks every Image field and its type. `expect` may hold exact values for prompt, provider,
 * model, width, height, revisedPrompt; `createdWithin` = [msBefore, msAfter].
 */
export function assertImage(image, expect = {}) {
  assert.ok(image && typeof image === 'object', 'image is an object');
  for (const field of ['id', 'name', 'url', 'thumbnailUrl', 'expiresAt', 'prompt', 'revisedPrompt', 'provider',
    'model', 'width', 'height', 'contentType', 'bytes', 'createdAt']) {
    assert.ok(Object.hasOwn(image, field), `image has "${field}": ${JSON.stringify(image)}`);
  }
  assert.equal(typeof image.id, 'string');
  assert.match(image.id, /^[A-Za-z0-9._-]+$/, 'id is URL-safe');
  assert.equal(typeof image.name, 'string');
  assert.match(image.name, /^images\/[a-z0-9._\/-]+\.png$/, 'name is images/<lowercase ascii>.png');
  assertSignedLink(image.url, 'url');
  assertSignedLink(image.thumbnailUrl, 'thumbnailUrl');
  assert.ok(splitLink(image.url).path.endsWith(`/${image.name}`), 'url points at the blob called name');
  assert.notEqual(splitLink(image.thumbnailUrl).path, splitLink(image.url).path, 'thumbnail is its own blob');
  assert.match(image.expiresAt, RFC3339, 'expiresAt is RFC 3339');
  const expires = Date.parse(image.expiresAt);
  assert.ok(expires > Date.now(), 'expiresAt is in the future');
  assert.ok(expires <= Date.now() + MAX_LINK_LIFETIME_MS + 1000, 'expiresAt at most 30 minutes ahead');
  assert.equal(expires % (5 * 60 * 1000), 0, `expiresAt ${image.expiresAt} sits on the 5-minute grid`);
  const se = splitLink(image.url).params.find(([k]) => k === 'se')?.[1];
  assert.equal(Date.parse(decodeURIComponent(se)), expires, 'the url expires at expiresAt');
  assert.equal(typeof image.prompt, 'string');
  assert.ok(image.revisedPrompt === null || typeof image.revisedPrompt === 'string', 'revisedPrompt string or null');
  assert.equal(typeof image.provider, 'string');
  assert.equal(typeof image.model, 'string');
  assert.ok(Number.isInteger(image.width) && image.width > 0, 'width is a positive integer');
  assert.ok(Number.isInteger(image.height) && image.height > 0, 'height is a positive integer');
  assert.equal(image.contentType, 'image/png');
  assert.ok(Number.isInteger(image.bytes) && image.bytes > 0, 'bytes is a positive integer');
  assert.match(image.createdAt, RFC3339, 'createdAt is RFC 3339');
  for (const key of ['prompt', 'provider', 'model', 'width', 'height', 'revisedPrompt']) {
    if (key in expect) assert.equal(image[key], expect[key], `image.${key}`);
  }
  if (expect.createdWithin) {
    const created = Date.parse(image.createdAt);
    const [from, to] = expect.createdWithin;
    assert.ok(created >= from - 1000 && created <= to + 1000, `createdAt ${image.createdAt} within the request`);
  }
}
