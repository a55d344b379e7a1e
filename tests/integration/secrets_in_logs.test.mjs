// Secrets stay out of the log: credential-bearing query parameters are masked in the access log,
// and the start-up summary says only whether a secret is set and never prints URL credentials.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { api, registerSecret, startCustomHandler, startServer } from '../support/server.mjs';

const TIMEOUT = 60_000;
const KEY = 'fk-logs-0123456789abcdefXYZW';
const API_KEY = 'sk-logs-0123456789abcdefQRST';
registerSecret(KEY);
registerSecret(API_KEY);

test('the access log masks ?code= and other credential parameters', { timeout: TIMEOUT }, async (t) => {
  const functions = await startCustomHandler({ t, env: { VISIONARY_PROVIDER: 'demo', VISIONARY_FUNCTIONS_KEY: KEY } });
  assert.equal((await api(functions.url, `/api/config?code=${KEY}`)).status, 200);
  assert.equal((await api(functions.url, `/api/suggestion?x=1&code=${encodeURIComponent(KEY)}&api-key=${KEY}&token=${KEY}`)).status, 200);
  await functions.stop();
  const output = functions.output();
  assert.ok(!output.includes(KEY), `the function key is not in the log:\n${output}`);
  assert.ok(!output.includes('XYZW'), 'not even its end');
  assert.match(output, /\/api\/config\?code=\*\*\*/);
  assert.match(output, /\/api\/suggestion\?x=1&code=\*\*\*&api-key=\*\*\*&token=\*\*\*/);
});

test('the start-up summary says "set" for secrets and hides URL credentials', { timeout: TIMEOUT }, async (t) => {
  const server = await startServer({
    t,
    env: {
      VISIONARY_PROVIDER: 'openai', OPENAI_API_KEY: API_KEY,
      OPENAI_BASE_URL: 'http://proxyuser:proxy-password-123@127.0.0.1:9/v1?api-key=query-secret-456',
      VISIONARY_ADMIN_TOKEN: 'admin-token-logs-0123456789abcdef',
    },
  });
  await server.stop();
  const output = server.output();
  assert.ok(!output.includes('QRST'), `no part of the API key:\n${output}`);
  assert.ok(!output.includes('cdef'), 'no part of the admin token');
  assert.ok(!output.includes('proxy-password-123'), 'no URL password');
  assert.ok(!output.includes('query-secret-456'), 'no credential query parameter');
  assert.match(output, /key set/);
  assert.match(output, /admin token: set/);
});
