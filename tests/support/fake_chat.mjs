// Fake OpenAI Chat Completions API for the suggestion tests: POST /v1/chat/completions as OpenAI
// and OpenAI-compatible servers (llama.cpp's llama-server, LocalAI) serve it, and Azure OpenAI's v1
// path /openai/v1/chat/completions (the deployment named by the body's model, the key in an
// `api-key` header). It listens on loopback and answers like the real services: a
// chat.completion object (choices[0].message.content, finish_reason, usage), the error shape
// {"error": {message, type, param, code}} with the documented statuses (400, 401, 404, 429 with
// retry-after, 500), driven by queued "behaviours". Only node: built-ins.
//
// Behaviours ('kind' or {kind, ...}):
//   ok         content: the answer's text (default: a numbered suggestion "A lighthouse number N ...")
//   quoted     the numbered suggestion as chat models like to dress it: label, quotes and markdown
//   slow       {delayMs, then}: answers `then` (default ok) after delayMs
//   held       {then}: answers `then` when the test calls release()
//   status     {status, body?, headers?}: any answer; 500, 401 and 429 have their real bodies
//   malformed  200 with a body that is not JSON
//   refusal    200 whose message has no content but a refusal
//   length     200 cut short (finish_reason length)

import http from 'node:http';
import { randomBytes, randomUUID } from 'node:crypto';

const OPENAI_PATH = '/v1/chat/completions';
const AZURE_V1_PATH = '/openai/v1/chat/completions';
const KINDS = new Set(['ok', 'quoted', 'slow', 'held', 'status', 'malformed', 'refusal', 'length']);

function normalise(behaviour) {
  const b = typeof behaviour === 'string' ? { kind: behaviour } : behaviour;
  if (!b || !KINDS.has(b.kind)) throw new TypeError(`fake-chat: unknown behaviour ${JSON.stringify(behaviour)}`);
  if (b.kind === 'slow' || b.kind === 'held') return { ...b, then: normalise(b.then ?? 'ok') };
  return b;
}

function openaiError(status, message, type, param = null, code = null) {
  return { status, body: { error: { message, type, param, code } } };
}

// The documented error answers, by status.
const ERRORS = {
  401: () => openaiError(401, 'Incorrect API key provided: sk-wrong*******key. You can find your API key at https://platform.openai.com/account/api-keys.', 'invalid_request_error', null, 'invalid_api_key'),
  429: (model) => openaiError(429, `Rate limit reached for ${model} in organization org-xyz on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.`, 'requests', null, 'rate_limit_exceeded'),
  500: () => openaiError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error'),
};

const SAFE = { hate: { filtered: false, severity: 'safe' }, self_harm: { filtered: false, severity: 'safe' }, sexual: { filtered: false, severity: 'safe' }, violence: { filtered: false, severity: 'safe' } };

// What a request body must hold: a model and a non-empty list of messages with roles and content.
function validate(body) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return openaiError(400, "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.", 'invalid_request_error');
  }
  if (typeof body.model !== 'string' || body.model === '') {
    return openaiError(400, 'you must provide a model parameter', 'invalid_request_error');
  }
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return openaiError(400, "Missing required parameter: 'messages'.", 'invalid_request_error', 'messages', 'missing_required_parameter');
  }
  for (const [i, m] of body.messages.entries()) {
    if (!['system', 'developer', 'user', 'assistant'].includes(m?.role) || typeof m.content !== 'string') {
      return openaiError(400, `Invalid value for 'messages[${i}]'.`, 'invalid_request_error', `messages[${i}]`, 'invalid_value');
    }
  }
  for (const field of ['max_tokens', 'max_completion_tokens', 'n']) {
    if (field in body && (!Number.isInteger(body[field]) || body[field] < 1)) {
      return openaiError(400, `Invalid '${field}': integer below minimum value.`, 'invalid_request_error', field, 'integer_below_min_value');
    }
  }
  if ('max_tokens' in body && 'max_completion_tokens' in body) {
    return openaiError(400, "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", 'invalid_request_error', 'max_tokens', 'unsupported_parameter');
  }
  return null;
}

/**
 * Starts the fake. Options: apiKey (null: no key needed, as llama-server without --api-key),
 * deployments (Azure v1: the deployment names that exist; default any), defaultBehaviour.
 * Returns {url (origin + '/v1'), origin, requests [{path, headers, body}], enqueue(...),
 * setDefault(b), release(), heldCount, close()}.
 */
export async function startFakeChat(options = {}) {
  const { apiKey = 'sk-chat-test-key', deployments, host = '127.0.0.1', defaultBehaviour = 'ok' } = options;
  let fallback = normalise(defaultBehaviour);
  const queue = [];
  const requests = [];
  const held = [];
  const timers = new Set();
  let answered = 0;

  function send(res, status, body, headers) {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
    res.end(payload);
  }

  function completion(call, content, finishReason = 'stop', refusal = null) {
    const promptTokens = JSON.stringify(call.body.messages).length >> 2;
    const completionTokens = content ? Math.max(1, content.length >> 2) : 0;
    const choice = {
      index: 0,
      message: { role: 'assistant', content, refusal, annotations: [] },
      logprobs: null,
      finish_reason: finishReason,
      ...(call.azure && { content_filter_results: SAFE }),
    };
    return {
      id: `chatcmpl-${randomBytes(12).toString('base64url')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: call.azure ? call.body.model : `${call.body.model}-2024-07-18`,
      choices: [choice],
      usage: {
        prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
      },
      ...(call.azure ? { prompt_filter_results: [{ prompt_index: 0, content_filter_results: SAFE }] } : { service_tier: 'default', system_fingerprint: 'fp_fake0chat' }),
    };
  }

  function perform(behaviour, call) {
    const reply = (status, body, extra = {}) => send(call.res, status, body, { ...call.headers, ...extra });
    const numbered = () => `A lighthouse number ${++answered} on a windswept cliff at dusk, watercolor`;
    switch (behaviour.kind) {
      case 'ok':
        return reply(200, completion(call, behaviour.content ?? numbered()));
      case 'quoted':
        return reply(200, completion(call, `Sure! Here's a vivid prompt for you:\n\n**Prompt:** "${numbered()}"\n`));
      case 'malformed':
        return reply(200, '{"id": "chatcmpl-x", "choices": [');
      case 'refusal':
        return reply(200, completion(call, null, 'stop', "I'm sorry, but I can't help with that."));
      case 'length':
        return reply(200, completion(call, 'A lighthouse on a windswept', 'length'));
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          perform(behaviour.then, call);
        }, behaviour.delayMs ?? 0);
        timers.add(timer);
        call.res.once('close', () => {
          clearTimeout(timer);
          timers.delete(timer);
        });
        return undefined;
      }
      case 'held':
        held.push(() => perform(behaviour.then, call));
        return undefined;
      case 'status': {
        const known = ERRORS[behaviour.status]?.(call.body.model);
        const headers = { ...(behaviour.status === 429 && { 'retry-after': '20', 'x-ratelimit-remaining-requests': '0' }), ...behaviour.headers };
        return reply(behaviour.status, behaviour.body ?? known?.body ?? '', headers);
      }
      default:
        throw new Error(`unhandled behaviour ${behaviour.kind}`);
    }
  }

  // OpenAI and compatible servers take a bearer key; Azure's v1 API its api-key header.
  function rejection(req, azure) {
    if (apiKey === null) return null;
    if (azure) {
      if (req.headers['api-key'] === apiKey) return null;
      const message = req.headers['api-key']
        ? 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.'
        : 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.';
      return { status: 401, body: { error: { code: '401', message } } };
    }
    const header = req.headers.authorization ?? '';
    if (header === `Bearer ${apiKey}`) return null;
    if (!header.startsWith('Bearer ')) {
      return openaiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", 'invalid_request_error');
    }
    return ERRORS[401]();
  }

  function handle(req, res, rawBody) {
    const path = new URL(req.url, 'http://fake').pathname;
    const azure = path === AZURE_V1_PATH;
    const headers = azure ? { 'apim-request-id': randomUUID() } : { 'x-request-id': `req_${randomBytes(16).toString('hex')}` };
    if (req.method !== 'POST' || (path !== OPENAI_PATH && !azure)) {
      const { status, body } = openaiError(404, `Invalid URL (${req.method} ${path})`, 'invalid_request_error');
      return send(res, status, body, headers);
    }
    let body;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
    }
    requests.push({ path, headers: req.headers, body });
    const refused = rejection(req, azure) ?? validate(body);
    if (refused) return send(res, refused.status, refused.body, headers);
    if (azure && deployments && !deployments.includes(body.model)) {
      return send(res, 404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } }, headers);
    }
    perform(queue.length > 0 ? queue.shift() : fallback, { res, headers, body, azure });
  }

  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => handle(req, res, Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => {});
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, resolve);
  });
  const origin = `http://${host}:${server.address().port}`;
  let closing;
  return {
    url: `${origin}/v1`,
    origin,
    requests,
    enqueue(...behaviours) {
      queue.push(...behaviours.map(normalise));
    },
    setDefault(behaviour) {
      fallback = normalise(behaviour);
    },
    get heldCount() {
      return held.length;
    },
    release() {
      for (const answer of held.splice(0)) answer();
    },
    close() {
      closing ??= new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
