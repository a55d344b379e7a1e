// Outbound HTTPS for real: the OpenAI provider talks TLS to a fake on loopback whose certificate
// comes from a throw-away CA made by openssl for this test. The certificate and the host name are
// both checked; a server the CA does not vouch for is refused and nothing is stored.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { assertError, generate, listStored, startFake, startServer, tempDir } from '../support/server.mjs';

const API_KEY = 'sk-tls-0123456789abcdef';

// A CA and a server certificate for the given subjectAltName, signed by that CA.
function makeCertificates(dir, altName) {
  const run = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=VisionaryAI test CA',
    '-keyout', 'ca.key', '-out', 'ca.pem');
  run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=fake-openai', '-keyout', 'server.key', '-out', 'server.csr');
  fs.writeFileSync(path.join(dir, 'ext.cnf'), `subjectAltName=${altName}\n`);
  run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '1',
    '-extfile', 'ext.cnf', '-out', 'server.pem');
  return {
    ca: path.join(dir, 'ca.pem'),
    tls: { key: fs.readFileSync(path.join(dir, 'server.key')), cert: fs.readFileSync(path.join(dir, 'server.pem')) },
  };
}

async function serverFor(t, fake, caFile) {
  return startServer({
    t,
    env: {
      VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.url,
      VISIONARY_PROVIDER_RETRIES: 0, ...(caFile ? { VISIONARY_CA_FILE: caFile } : {}),
    },
  });
}

test('HTTPS provider with a certificate the configured CA signed for its address works', async (t) => {
  const certs = makeCertificates(tempDir(t), 'IP:127.0.0.1');
  const fake = await startFake(t, { apiKey: API_KEY, tls: certs.tls });
  assert.match(fake.url, /^https:/);
  const server = await serverFor(t, fake, certs.ca);
  const res = await generate(server.url, { prompt: 'over TLS' });
  assert.equal(res.status, 201, res.text);
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.requests[0].headers.authorization, `Bearer ${API_KEY}`);
});

test('HTTPS provider whose certificate no trusted CA signed is refused', async (t) => {
  const certs = makeCertificates(tempDir(t), 'IP:127.0.0.1');
  const fake = await startFake(t, { apiKey: API_KEY, tls: certs.tls });
  const server = await serverFor(t, fake, undefined);
  const before = listStored(server.dataDir);
  assertError(await generate(server.url, { prompt: 'over untrusted TLS' }), 503, 'provider_unavailable');
  assert.equal(fake.requests.length, 0, 'no request reached the untrusted server');
  assert.deepEqual(listStored(server.dataDir), before);
});

test('HTTPS provider whose certificate names another host is refused', async (t) => {
  const certs = makeCertificates(tempDir(t), 'DNS:api.example.invalid');
  const fake = await startFake(t, { apiKey: API_KEY, tls: certs.tls });
  const server = await serverFor(t, fake, certs.ca);
  assertError(await generate(server.url, { prompt: 'wrong host name' }), 503, 'provider_unavailable');
  assert.equal(fake.requests.length, 0);
});
