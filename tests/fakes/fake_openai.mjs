// Fake OpenAI Images API (and Azure OpenAI: its v1 API at /openai/v1/images/generations and its
// classic /openai/deployments/{name}/images/generations?api-version=...) for the test suite, edits
// included (POST .../images/edits, multipart/form-data: image[] or image, mask, prompt and the
// options as text parts, parsed byte by byte; see handleEdits). It
// listens on loopback and answers
// like the real services (status, headers, JSON bodies, errors, and Server-Sent Events streams of
// partial images when a GPT image request says `stream: true`), driven by queued "behaviours".
// Facts used here: /work/shared/reference/protocols.md §1 and §7. Only node: built-ins.
//
// CLI: node fake_openai.mjs [--port 0] [--host 127.0.0.1] [--api-key sk-test-key] [--mode b64|'{"kind":...}']
//      prints "fake-openai listening on http://HOST:PORT/v1" and serves until SIGTERM/SIGINT.

import http from 'node:http';
import https from 'node:https';
import { randomBytes, randomUUID } from 'node:crypto';
import fs, { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateSync } from 'node:zlib';

// ---------------------------------------------------------------- PNG

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

// 8-bit RGB gradient; every scanline uses filter 0, so the inflated IDAT is height*(1+3*width) bytes.
export function encodePng(width, height) {
  const stride = 1 + 3 * width;
  const raw = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    const green = Math.floor((y * 255) / height);
    for (let x = 0; x < width; x++) {
      const px = row + 1 + 3 * x;
      raw[px] = Math.floor((x * 255) / width);
      raw[px + 1] = green;
      raw[px + 2] = 160;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // bit depth 8, colour type 2 (RGB), deflate, adaptive filtering, no interlace
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** 8-bit RGBA PNG (a mask): white, with alpha from alphaAt(x, y) (0 = transparent = may change). */
export function encodeRgbaPng(width, height, alphaAt) {
  const stride = 1 + 4 * width;
  const raw = Buffer.alloc(height * stride);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const px = y * stride + 1 + 4 * x;
      raw.fill(255, px, px + 3);
      raw[px + 3] = alphaAt(x, y);
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 6, 0, 0, 0], 8); // bit depth 8, colour type 6 (RGBA)
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', deflateSync(raw)), pngChunk('IEND', Buffer.alloc(0))]);
}

const pngCache = new Map();

/** A valid PNG for "WxH" ('auto' → 1024x1024), cached because a 1792x1024 image takes tens of ms. */
function pngForSize(size) {
  const key = size === 'auto' ? '1024x1024' : size;
  if (!pngCache.has(key)) {
    const [width, height] = key.split('x').map(Number);
    pngCache.set(key, encodePng(width, height));
  }
  return pngCache.get(key);
}

// JPEG and WebP answers are real files made by libvips (256x256); PNG ones are drawn to size.
const FIXTURES = new URL('../data/', import.meta.url);
const ENCODED = {
  jpeg: fs.readFileSync(new URL('fake-image.jpg', FIXTURES)),
  webp: fs.readFileSync(new URL('fake-image.webp', FIXTURES)),
};

/** The image of an answer, in the output_format the request asked for. */
function imageFor(call) {
  return ENCODED[call.body.output_format] ?? pngForSize(call.size);
}

// ---------------------------------------------------------------- models and validation

const COMMON_PARAMS = {
  prompt: null, // checked separately: required, and its limit depends on the model
  model: null,
  user: { type: 'string' },
};
const enumOf = (...values) => ({ type: 'string', values });
const intIn = (min, max) => ({ type: 'integer', min, max });
const RESPONSE_FORMAT = enumOf('url', 'b64_json');
// Sending any of these without a model selects a GPT image model instead of dall-e-2 [protocols §1.2].
const GPT_ONLY_PARAMS = {
  background: enumOf('transparent', 'opaque', 'auto'),
  output_format: enumOf('png', 'jpeg', 'webp'),
  output_compression: intIn(0, 100),
  moderation: enumOf('low', 'auto'),
  stream: { type: 'boolean' }, // true: the answer is an event stream (see stream() below)
  partial_images: intIn(0, 3),
};
const GPT_IMAGE = {
  promptMax: 32000,
  defaultSize: 'auto',
  params: {
    ...COMMON_PARAMS,
    n: intIn(1, 10),
    size: enumOf('1024x1024', '1536x1024', '1024x1536', 'auto'),
    quality: enumOf('low', 'medium', 'high', 'auto'),
    ...GPT_ONLY_PARAMS,
  },
};
// gpt-image-2 takes the presets or any WxH within its rules [protocols §7].
function gptImage2Size(value) {
  if (['1024x1024', '1536x1024', '1024x1536', 'auto'].includes(value)) return true;
  const match = /^(\d{2,4})x(\d{2,4})$/.exec(value);
  if (!match) return false;
  const [w, h] = [Number(match[1]), Number(match[2])];
  const pixels = w * h;
  return w % 16 === 0 && h % 16 === 0 && Math.max(w, h) <= 3840 && Math.max(w, h) <= 3 * Math.min(w, h) &&
    pixels >= 655360 && pixels <= 8294400;
}
const GPT_IMAGE_2 = {
  promptMax: 32000,
  defaultSize: 'auto',
  params: {
    ...GPT_IMAGE.params,
    size: { type: 'string', check: gptImage2Size, rule: 'any WxH with edges multiples of 16, aspect 1:3 to 3:1, 655360 to 8294400 pixels, no edge over 3840' },
    background: enumOf('opaque', 'auto'),
  },
};
const MODELS = {
  'dall-e-2': {
    promptMax: 1000,
    defaultSize: '1024x1024',
    params: {
      ...COMMON_PARAMS,
      n: intIn(1, 10),
      size: enumOf('256x256', '512x512', '1024x1024'),
      quality: enumOf('standard'),
      response_format: RESPONSE_FORMAT,
    },
  },
  'dall-e-3': {
    promptMax: 4000,
    defaultSize: '1024x1024',
    params: {
      ...COMMON_PARAMS,
      n: intIn(1, 1),
      size: enumOf('1024x1024', '1792x1024', '1024x1792'),
      quality: enumOf('standard', 'hd'),
      style: enumOf('vivid', 'natural'),
      response_format: RESPONSE_FORMAT,
    },
  },
  'gpt-image-1': GPT_IMAGE,
  'gpt-image-1-mini': GPT_IMAGE,
  'gpt-image-1.5': GPT_IMAGE,
  'gpt-image-2': GPT_IMAGE_2,
};
const isGptImage = (model) => MODELS[model] === GPT_IMAGE || MODELS[model] === GPT_IMAGE_2;

const openaiError = (status, message, type, param = null, code = null) => ({
  status,
  body: { error: { message, type, param, code } },
});
const invalidRequest = (message, param, code) => openaiError(400, message, 'invalid_request_error', param, code);

function typeName(value) {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a decimal';
  if (typeof value === 'object') return 'an object';
  return `a ${typeof value}`;
}

function expectedTypeName(type) {
  return type === 'integer' ? 'an integer' : `a ${type}`;
}

// OpenAI lists choices as 'a', 'b', and 'c'.
function quoteList(values) {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length < 3) return quoted.join(' and ');
  return `${quoted.slice(0, -1).join(', ')}, and ${quoted.at(-1)}`;
}

function checkParam(name, value, spec) {
  const actualType = typeName(value);
  const typeOk =
    spec.type === 'integer' ? Number.isInteger(value) : typeof value === spec.type;
  if (!typeOk) {
    return invalidRequest(
      `Invalid type for '${name}': expected ${expectedTypeName(spec.type)}, but got ${actualType} instead.`,
      name,
      'invalid_type',
    );
  }
  if (spec.check && !spec.check(value)) {
    return invalidRequest(`Invalid value: '${value}'. Supported values are: ${spec.rule}.`, name, 'invalid_value');
  }
  if (spec.values && !spec.values.includes(value)) {
    return invalidRequest(`Invalid value: '${value}'. Supported values are: ${quoteList(spec.values)}.`, name, 'invalid_value');
  }
  if (spec.min !== undefined && value < spec.min) {
    return invalidRequest(
      `Invalid '${name}': integer below minimum value. Expected a value >= ${spec.min}, but got ${value} instead.`,
      name,
      'integer_below_min_value',
    );
  }
  if (spec.max !== undefined && value > spec.max) {
    return invalidRequest(
      `Invalid '${name}': integer above maximum value. Expected a value <= ${spec.max}, but got ${value} instead.`,
      name,
      'integer_above_max_value',
    );
  }
  return null;
}

const JSON_PARSE_ERROR =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)";

/** Returns {model} for a valid parsed body or {error: {status, body}}. `deployment` is set on the Azure path. */
function validateRequest(body, deployment, aliases = {}) {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { error: invalidRequest(`Invalid type for body: expected an object, but got ${typeName(body)} instead.`, null, 'invalid_type') };
  }
  const { prompt } = body;
  if (prompt === undefined || prompt === null) {
    return { error: invalidRequest("Missing required parameter: 'prompt'.", 'prompt', 'missing_required_parameter') };
  }
  if (typeof prompt !== 'string') {
    return { error: invalidRequest(`Invalid type for 'prompt': expected a string, but got ${typeName(prompt)} instead.`, 'prompt', 'invalid_type') };
  }
  if (prompt === '') {
    return {
      error: invalidRequest(
        "Invalid 'prompt': empty string. Expected a string with minimum length 1, but got an empty string instead.",
        'prompt',
        'empty_string',
      ),
    };
  }

  let model = deployment;
  if (model === undefined) {
    model = body.model ?? (Object.keys(GPT_ONLY_PARAMS).some((p) => body[p] != null) ? 'gpt-image-1' : 'dall-e-2');
    if (typeof model !== 'string') {
      return { error: invalidRequest(`Invalid type for 'model': expected a string, but got ${typeName(model)} instead.`, 'model', 'invalid_type') };
    }
  }
  const spec = MODELS[model] ?? MODELS[aliases[model]];
  if (!spec) {
    if (deployment !== undefined) return { error: AZURE_DEPLOYMENT_NOT_FOUND };
    return {
      error: openaiError(404, `The model \`${model}\` does not exist or you do not have access to it.`, 'invalid_request_error', null, 'model_not_found'),
    };
  }

  const promptLength = [...prompt].length; // OpenAI counts characters, not UTF-16 units
  if (promptLength > spec.promptMax) {
    return {
      error: invalidRequest(
        `Invalid 'prompt': string too long. Expected a string with maximum length ${spec.promptMax}, but got a string with length ${promptLength} instead.`,
        'prompt',
        'string_above_max_length',
      ),
    };
  }
  for (const [name, value] of Object.entries(body)) {
    if (!(name in spec.params)) return { error: invalidRequest(`Unknown parameter: '${name}'.`, name, 'unknown_parameter') };
    // Explicit nulls count as "not sent", like the real API.
    const error = value !== null && spec.params[name] && checkParam(name, value, spec.params[name]);
    if (error) return { error };
  }
  return { model };
}

// ---------------------------------------------------------------- auth

// OpenAI shows the first 8 and last 4 characters with one '*' per hidden one
// ("sk-CmlKF*****…jP2n"); short keys show a quarter at each end so most stays hidden.
function maskApiKey(key) {
  const shown = key.length > 12 ? [8, 4] : [Math.floor(key.length / 4), Math.floor(key.length / 4)];
  return key.slice(0, shown[0]) + '*'.repeat(key.length - shown[0] - shown[1]) + key.slice(key.length - shown[1]);
}

function checkOpenAIAuth(header, apiKey) {
  const presented = header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  if (presented === '') {
    return openaiError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
      'invalid_request_error',
    );
  }
  if (presented !== apiKey) {
    return openaiError(
      401,
      `Incorrect API key provided: ${maskApiKey(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      'invalid_request_error',
      null,
      'invalid_api_key',
    );
  }
  return null;
}

// Azure API Management answers for a missing or wrong `api-key` header.
function checkAzureAuth(header, apiKey) {
  if (!header) {
    return { status: 401, body: { error: { code: '401', message: 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.' } } };
  }
  if (header !== apiKey) {
    return {
      status: 401,
      body: {
        error: {
          code: '401',
          message:
            'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.',
        },
      },
    };
  }
  return null;
}

const AZURE_RESOURCE_NOT_FOUND = { status: 404, body: { error: { code: '404', message: 'Resource not found' } } };
const AZURE_DEPLOYMENT_NOT_FOUND = {
  status: 404,
  body: {
    error: {
      code: 'DeploymentNotFound',
      message:
        'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.',
    },
  },
};

// ---------------------------------------------------------------- behaviours

// Azure (either path): 'azure_content_filter' answers 400 contentFilter for the prompt, or with
// {stage: 'image'} for the generated image; categories: {name: severity} filtered (default
// {violence: 'high'}). 'azure_filtered_data' answers 200 with `keep` images (default 0) and the
// other entries emptied by the content filter (stage and categories as above). 'azure_blocked'
// answers the 403 Forbidden of a resource Azure has blocked.
// 'b64' streams when the request asks for it; 'stream_error' and 'stream_cut' stream some partial
// images, then send an error frame or cut the connection. Stream options (on any of the three):
//   partials           partial images the fake sends at most (default: the fake's partialImages, 3)
//   eventDelayMs       pause before each event (default: the fake's streamDelayMs, 0)
//   firstEventDelayMs  pause before the first event (default: eventDelayMs)
//   afterPartials      stream_error / stream_cut: partial images before the end (default 1)
//   error              stream_error: the frame's error object (default: a moderation refusal)
const KINDS = new Set([
  'b64', 'url', 'content_policy', 'moderation_blocked', 'azure_content_filter', 'azure_filtered_data', 'azure_blocked',
  'rate_limit', 'insufficient_quota',
  'server_error', 'overloaded', 'slow', 'held', 'malformed_json', 'not_image', 'empty_data', 'status',
  'stream_error', 'stream_cut',
]);

/** Accepts 'kind' or {kind, ...}; throws on unknown kinds so a typo fails the test that made it. */
function normaliseBehaviour(behaviour) {
  const b = typeof behaviour === 'string' ? { kind: behaviour } : behaviour;
  if (!b || !KINDS.has(b.kind)) throw new TypeError(`fake-openai: unknown behaviour ${JSON.stringify(behaviour)}`);
  if (b.kind === 'slow' || b.kind === 'held') return { ...b, then: normaliseBehaviour(b.then ?? 'b64') };
  return b;
}

const CONTENT_FILTER_SAFE = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};

/** content_filter_results with `categories` ({name: severity}) filtered and the rest safe. */
function filterResults(categories = { violence: 'high' }) {
  const results = structuredClone(CONTENT_FILTER_SAFE);
  for (const [name, severity] of Object.entries(categories)) results[name] = { filtered: true, severity };
  return results;
}

// Azure's own words for what its content filter stopped [protocols §1.6].
const FILTER_MESSAGES = {
  prompt: 'Your task failed as a result of our safety system.',
  image: 'Generated image was filtered as a result of our safety system.',
};

const FIXED_ANSWERS = {
  content_policy: () =>
    invalidRequest(
      'Your request was rejected as a result of our safety system. Your prompt may contain text that is not allowed by our safety system.',
      null,
      'content_policy_violation',
    ),
  moderation_blocked: (call) =>
    openaiError(
      400,
      `Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID ${call.requestId}. safety_violations=[sexual].`,
      'image_generation_user_error',
      null,
      'moderation_blocked',
    ),
  azure_content_filter: (call, behaviour) => ({
    status: 400,
    body: {
      error: {
        code: 'contentFilter',
        message: FILTER_MESSAGES[behaviour.stage ?? 'prompt'],
        param: 'prompt',
        type: null,
        inner_error: {
          code: 'ResponsibleAIPolicyViolation',
          content_filter_results: filterResults(behaviour.categories),
        },
      },
    },
  }),
  azure_blocked: () => ({
    status: 403,
    body: {
      error: {
        code: 'Forbidden',
        message:
          'Your resource has been temporarily blocked because we detected behavior that may violate our content policy. For more details on Azure OpenAI service content policy, please visit https://aka.ms/aoaicodeofconduct',
      },
    },
  }),
  insufficient_quota: () =>
    openaiError(429, 'You exceeded your current quota, please check your plan and billing details.', 'insufficient_quota', null, 'insufficient_quota'),
  server_error: () => openaiError(500, 'The server had an error while processing your request. Sorry about that!', 'server_error'),
  overloaded: () => openaiError(503, 'The engine is currently overloaded, please try again later', 'server_error'),
  empty_data: () => ({ status: 200, body: { created: 1, data: [] } }),
};

// Roughly OpenAI's published output-token counts per image (square; rectangles cost 1.5x).
const OUTPUT_TOKENS = { low: 272, medium: 1056, high: 4160 };
// Each streamed partial image costs about this many output tokens more [protocols §7].
const PARTIAL_IMAGE_TOKENS = 100;

/** What a GPT image answer echoes about the image: background, output_format, quality, size. */
function imageFacts(call) {
  const { body } = call;
  return {
    background: body.background === 'transparent' ? 'transparent' : 'opaque',
    output_format: body.output_format ?? 'png',
    quality: !body.quality || body.quality === 'auto' ? 'medium' : body.quality,
    size: call.size === 'auto' ? '1024x1024' : call.size,
  };
}

/** The usage of `images` images (and `partials` streamed partial images) of a GPT image answer. */
function usageOf(call, images, partials = 0) {
  const { quality, size } = imageFacts(call);
  const textTokens = Math.ceil(call.body.prompt.length / 4);
  const imageTokens = call.inputImageTokens ?? 0; // an edit's input images
  const inputTokens = textTokens + imageTokens;
  const perImage = OUTPUT_TOKENS[quality] * (size === '1024x1024' ? 1 : 1.5);
  const outputTokens = images * perImage + partials * PARTIAL_IMAGE_TOKENS;
  return {
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    total_tokens: inputTokens + outputTokens,
    input_tokens_details: { image_tokens: imageTokens, text_tokens: textTokens },
  };
}

function imagesResponse(call, items) {
  const { body, model, azure } = call;
  const data = items.map((item) => ({
    ...(model === 'dall-e-3' && { revised_prompt: `A detailed rendering of ${body.prompt}` }),
    ...item,
    ...(azure && { content_filter_results: CONTENT_FILTER_SAFE, prompt_filter_results: CONTENT_FILTER_SAFE }),
  }));
  const response = { created: Math.floor(Date.now() / 1000), data };
  if (isGptImage(model)) Object.assign(response, imageFacts(call), { usage: usageOf(call, items.length) });
  return response;
}

/** Partial image `index` of a streamed answer: a real PNG, coarse first (1/16, 1/8, 1/4 of the size). */
function partialPng(size, index) {
  const key = `${size}#${index}`;
  if (!pngCache.has(key)) {
    const [width, height] = (size === 'auto' ? '1024x1024' : size).split('x').map(Number);
    const shift = Math.max(2, 4 - index);
    pngCache.set(key, encodePng(Math.max(1, width >> shift), Math.max(1, height >> shift)));
  }
  return pngCache.get(key);
}

const sseFrame = (name, data) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

const STREAM_REFUSAL = {
  type: 'image_generation_user_error',
  code: 'moderation_blocked',
  message: 'Your request was rejected by the safety system. safety_violations=[violence].',
  param: null,
};

// ---------------------------------------------------------------- edits (multipart)

/**
 * Parses a multipart/form-data body as the API does (RFC 7578): returns {parts: [{name, filename,
 * contentType, data: Buffer, header: string}]} or {error} naming what is malformed.
 */
export function parseMultipart(raw, contentType) {
  const match = /^multipart\/form-data;\s*boundary=("?)([^";]{1,70})\1\s*$/i.exec(contentType ?? '');
  if (!match) return { error: 'Content-Type must be multipart/form-data with a boundary' };
  const delimiter = Buffer.from(`\r\n--${match[2]}`);
  const opening = delimiter.subarray(2);
  if (!raw.subarray(0, opening.length).equals(opening)) return { error: 'the body does not start with the boundary' };
  const parts = [];
  let at = opening.length;
  for (;;) {
    if (raw.subarray(at, at + 2).toString() === '--') return { parts };
    if (raw.subarray(at, at + 2).toString() !== '\r\n') return { error: 'a boundary is not followed by CRLF' };
    const headerEnd = raw.indexOf('\r\n\r\n', at + 2);
    if (headerEnd < 0) return { error: 'a part\'s headers never end' };
    const header = raw.subarray(at + 2, headerEnd).toString('latin1');
    const disposition = /^Content-Disposition: form-data; name="([^"]*)"(?:; filename="([^"]*)")?(?:\r\nContent-Type: ([^\r\n]+))?$/.exec(header);
    if (!disposition) return { error: `a part has unexpected headers: ${JSON.stringify(header)}` };
    const next = raw.indexOf(delimiter, headerEnd + 4);
    if (next < 0) return { error: 'the body ends before its closing boundary' };
    parts.push({
      name: disposition[1], filename: disposition[2], contentType: disposition[3], header,
      data: raw.subarray(headerEnd + 4, next),
    });
    at = next + delimiter.length;
  }
}

const EDIT_TEXT_PARAMS = new Set([
  'model', 'prompt', 'n', 'size', 'quality', 'background', 'output_format', 'output_compression',
  'input_fidelity', 'response_format', 'stream', 'partial_images', 'user',
]);
const EDIT_INTEGER_PARAMS = new Set(['n', 'output_compression', 'partial_images']);
// input_fidelity: gpt-image-1 and 1.5, not -mini, not needed (not taken) by gpt-image-2 [protocols §7].
const INPUT_FIDELITY_MODELS = new Set(['gpt-image-1', 'gpt-image-1.5']);
// Input image tokens the fake bills per image, and the extra at high input fidelity.
export const EDIT_IMAGE_TOKENS = 388;
export const HIGH_FIDELITY_TOKENS = 4160;

function imageKind(data) {
  if (data.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
  if (data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff) return 'jpeg';
  if (data.subarray(0, 4).toString() === 'RIFF' && data.subarray(8, 12).toString() === 'WEBP') return 'webp';
  return null;
}

/** {width, height, alpha} of a PNG from its IHDR (colour types 4 and 6 have alpha, or a tRNS chunk). */
function pngFacts(data) {
  const colourType = data[25];
  return { width: data.readUInt32BE(16), height: data.readUInt32BE(20), alpha: colourType === 4 || colourType === 6 || data.includes('tRNS') };
}

/** The form's text parts as a request body (numbers and booleans typed as the API reads them). */
function editBody(parts) {
  const body = {};
  for (const part of parts) {
    if (part.filename !== undefined || ['image', 'image[]', 'mask'].includes(part.name)) continue;
    if (!EDIT_TEXT_PARAMS.has(part.name)) return { error: invalidRequest(`Unknown parameter: '${part.name}'.`, part.name, 'unknown_parameter') };
    const text = part.data.toString('utf8');
    if (EDIT_INTEGER_PARAMS.has(part.name)) {
      if (!/^-?\d+$/.test(text)) return { error: invalidRequest(`Invalid type for '${part.name}': expected an integer, but got a string instead.`, part.name, 'invalid_type') };
      body[part.name] = Number(text);
    } else if (part.name === 'stream') {
      body.stream = text === 'true';
    } else {
      body[part.name] = text;
    }
  }
  return { body };
}

/** The images, mask and fidelity checked as the API checks them; returns {images, mask, error}. */
function checkEditFiles(parts, model, body) {
  const images = parts.filter((p) => p.name === 'image' || p.name === 'image[]');
  const mask = parts.find((p) => p.name === 'mask');
  if (images.length === 0) return { error: invalidRequest("Missing required parameter: 'image'.", 'image', 'missing_required_parameter') };
  const gpt = isGptImage(model);
  if (!gpt && (images.length > 1 || images[0].name !== 'image')) {
    return { error: invalidRequest(`${model} takes one 'image', not 'image[]'.`, 'image', 'invalid_value') };
  }
  if (images.length > 16) return { error: invalidRequest("Invalid 'image': array too long. Expected an array with maximum length 16.", 'image', 'array_above_max_length') };
  for (const image of images) {
    const kind = imageKind(image.data);
    if (!kind || (!gpt && kind !== 'png')) {
      return { error: invalidRequest(`Invalid file '${image.filename}': unsupported mimetype. Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`, 'image', 'unsupported_file') };
    }
  }
  if (mask) {
    if (imageKind(mask.data) !== 'png' || !pngFacts(mask.data).alpha) {
      return { error: invalidRequest("Invalid input image - format must be in ['RGBA', 'LA', 'L'], got RGB.", 'mask', 'invalid_image_format') };
    }
    const first = images[0].data;
    const [m, f] = [pngFacts(mask.data), imageKind(first) === 'png' ? pngFacts(first) : null];
    if (f && (m.width !== f.width || m.height !== f.height)) {
      return { error: invalidRequest('Invalid mask image: the mask must be the same size as the image.', 'mask', 'invalid_image') };
    }
  }
  if (body.input_fidelity !== undefined) {
    if (!INPUT_FIDELITY_MODELS.has(model)) return { error: invalidRequest(`Invalid 'input_fidelity': not supported with model ${model}.`, 'input_fidelity', 'unsupported_parameter') };
    if (!['low', 'high'].includes(body.input_fidelity)) return { error: invalidRequest(`Invalid value: '${body.input_fidelity}'. Supported values are: 'low' and 'high'.`, 'input_fidelity', 'invalid_value') };
  }
  return { images, mask };
}

// ---------------------------------------------------------------- server

const GENERATIONS_PATH = '/v1/images/generations';
const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/images\/generations$/;
// Azure's v1 API: no api-version needed, the deployment named by the body's model [protocols §7].
const AZURE_V1_PATH = '/openai/v1/images/generations';
const FILE_PATH = /^\/files\/([0-9a-f]+)\.png$/;
const EDITS_PATH = '/v1/images/edits';
const AZURE_EDITS_PATH = /^\/openai\/deployments\/([^/]+)\/images\/edits$/;
const AZURE_V1_EDITS_PATH = '/openai/v1/images/edits';
const RATE_LIMIT = 5;

function baseHeaders(azure) {
  return {
    ...(azure ? { 'apim-request-id': randomUUID() } : { 'x-request-id': `req_${randomBytes(16).toString('hex')}` }),
    'x-ratelimit-limit-requests': String(RATE_LIMIT),
    'x-ratelimit-remaining-requests': String(RATE_LIMIT - 1),
    'x-ratelimit-reset-requests': '12ms',
  };
}

export async function startFakeOpenAI(options = {}) {
  // tls: {key, cert} (PEM) serves HTTPS instead of HTTP, to exercise the client's certificate checks.
  // partialImages: streamed partial images at most (what a request asks for, up to this);
  // streamDelayMs: the pause before each streamed event unless a behaviour says otherwise.
  const {
    apiKey = 'sk-test-key', host = '127.0.0.1', port = 0, defaultBehaviour = { kind: 'b64' }, tls,
    partialImages = 3, streamDelayMs = 0,
    // aliases: {'gpt-image-3': 'gpt-image-2'} serves a model released after this fake, as another.
    aliases = {},
  } = options;
  let fallback = normaliseBehaviour(defaultBehaviour);
  const queue = [];
  const requests = [];
  const files = new Map(); // id → url behaviour + the PNG to serve
  const timers = new Set(); // pending delays, so close() can cancel them before it resolves
  const held = []; // answers of 'held' calls, given when the test calls release()
  let origin;

  // Runs fn after ms unless the client goes away or close() runs first.
  function later(res, ms, fn) {
    const timer = setTimeout(() => {
      timers.delete(timer);
      fn();
    }, ms);
    timers.add(timer);
    res.once('close', () => {
      clearTimeout(timer);
      timers.delete(timer);
    });
  }

  function send(res, status, body, headers) {
    const payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers });
    res.end(payload);
  }

  // Answers as Server-Sent Events: partial images one by one, then `end` ('completed', 'error' or
  // 'cut'), each after its pause; a client that leaves (or close()) stops the stream.
  function stream(call, behaviour, end) {
    const { res, headers, body } = call;
    let partials = Math.min(body.partial_images ?? 0, behaviour.partials ?? partialImages);
    if (end !== 'completed') partials = Math.min(partials, behaviour.afterPartials ?? 1);
    const pause = behaviour.eventDelayMs ?? streamDelayMs;
    const created = Math.floor(Date.now() / 1000);
    const facts = imageFacts(call);
    const prefix = call.edit ? 'image_edit' : 'image_generation'; // edits stream under their own names
    const events = Array.from({ length: partials }, (_, index) => () =>
      res.write(sseFrame(`${prefix}.partial_image`, {
        type: `${prefix}.partial_image`, b64_json: partialPng(call.size, index).toString('base64'),
        created_at: created, ...facts, partial_image_index: index,
      })));
    events.push(() => {
      if (end === 'cut') return void res.destroy();
      if (end === 'error') {
        return void res.end(sseFrame('error', { type: 'error', error: behaviour.error ?? STREAM_REFUSAL }));
      }
      res.end(sseFrame(`${prefix}.completed`, {
        type: `${prefix}.completed`, b64_json: imageFor(call).toString('base64'),
        created_at: created, ...facts, usage: usageOf(call, 1, partials),
      }));
    });
    res.writeHead(200, { ...headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
    res.flushHeaders();
    let next = 0;
    const names = [...Array(partials).fill(`${prefix}.partial_image`), end === 'completed' ? `${prefix}.completed` : end];
    const step = () => {
      if (res.destroyed) return;
      call.sent.push({ event: names[next], at: Date.now() });
      events[next++]();
      if (next < events.length) later(res, pause, step);
    };
    later(res, behaviour.firstEventDelayMs ?? pause, step);
  }

  function perform(behaviour, call) {
    const { res, headers } = call;
    const reply = (status, body, extra = {}) => send(res, status, body, { ...headers, ...extra });
    const streamed = call.body.stream === true;
    switch (behaviour.kind) {
      case 'b64': {
        if (streamed) return stream(call, behaviour, 'completed');
        const b64 = imageFor(call).toString('base64');
        return reply(200, imagesResponse(call, Array.from({ length: call.n }, () => ({ b64_json: b64 }))));
      }
      case 'url': {
        const items = Array.from({ length: call.n }, () => {
          // link: answer with this address instead of one of the fake's own files.
          if (behaviour.link !== undefined) return { url: behaviour.link };
          const id = randomBytes(12).toString('hex');
          const type = { jpeg: 'image/jpeg', webp: 'image/webp' }[call.body.output_format] ?? 'image/png';
          files.set(id, { fileContentType: type, ...behaviour, png: imageFor(call) });
          return { url: `${origin}/files/${id}.png` };
        });
        return reply(200, imagesResponse(call, items));
      }
      case 'not_image':
        return reply(200, imagesResponse(call, [{ b64_json: Buffer.from('this is not an image at all').toString('base64') }]));
      case 'malformed_json':
        return reply(200, '{"created": 1, "data": [');
      case 'rate_limit': {
        const retry = {
          'x-ratelimit-remaining-requests': '0',
          ...(behaviour.retryAfter !== undefined && { 'retry-after': String(behaviour.retryAfter) }),
          ...(behaviour.retryAfterMs !== undefined && { 'retry-after-ms': String(behaviour.retryAfterMs) }),
        };
        const message = `Rate limit reached for ${call.model} in organization org-xyz on images per minute (IPM): Limit ${RATE_LIMIT}, Used ${RATE_LIMIT}, Requested 1. Please try again in 12s.`;
        const { status, body } = openaiError(429, message, 'requests', null, 'rate_limit_exceeded');
        return reply(status, body, retry);
      }
      case 'slow':
        return later(res, behaviour.delayMs ?? 0, () => perform(behaviour.then, call));
      case 'held':
        held.push(() => perform(behaviour.then, call));
        return undefined;
      case 'stream_error': {
        if (streamed) return stream(call, behaviour, 'error');
        return reply(400, { error: behaviour.error ?? STREAM_REFUSAL });
      }
      case 'stream_cut':
        if (streamed) return stream(call, behaviour, 'cut');
        return void res.destroy();
      case 'status': {
        const custom = Object.fromEntries(Object.entries(behaviour.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
        return reply(behaviour.status, behaviour.body ?? '', custom);
      }
      case 'azure_filtered_data': {
        const keep = behaviour.keep ?? 0;
        const b64 = imageFor(call).toString('base64');
        const response = imagesResponse(call, Array.from({ length: keep }, () => ({ b64_json: b64 })));
        const filtered = filterResults(behaviour.categories);
        const emptied = behaviour.stage === 'prompt'
          ? { content_filter_results: {}, prompt_filter_results: filtered }
          : { content_filter_results: filtered, prompt_filter_results: CONTENT_FILTER_SAFE };
        for (let i = keep; i < call.n; i++) response.data.push(emptied);
        return reply(200, response);
      }
      default: {
        const { status, body } = FIXED_ANSWERS[behaviour.kind](call, behaviour);
        return reply(status, body);
      }
    }
  }

  // route: 'openai', 'azure-v1' or 'azure-classic' (with its deployment from the path).
  function handleGenerations(req, res, url, rawBody, route, pathDeployment) {
    const azure = route !== 'openai';
    const headers = baseHeaders(azure);
    const requestId = headers[azure ? 'apim-request-id' : 'x-request-id'];
    let body;
    let parsed = true;
    try {
      body = JSON.parse(rawBody);
    } catch {
      body = rawBody;
      parsed = false;
    }
    // sent: what a streamed answer wrote and when ({event, at: Date.now()}), for latency figures.
    const recorded = { method: req.method, path: req.url, headers: req.headers, body, sent: [] };
    requests.push(recorded);

    const rejection =
      (route === 'azure-classic' && !url.searchParams.get('api-version') && AZURE_RESOURCE_NOT_FOUND) ||
      (azure ? checkAzureAuth(req.headers['api-key'], apiKey) : checkOpenAIAuth(req.headers.authorization, apiKey));
    if (rejection) return send(res, rejection.status, rejection.body, headers);
    if (!parsed) return send(res, 400, invalidRequest(JSON_PARSE_ERROR, null, null).body, headers);
    const deployment = route === 'azure-v1' ? v1Deployment(body) : { name: pathDeployment };
    if (deployment.error) return send(res, deployment.error.status, deployment.error.body, headers);
    const { model, error } = validateRequest(body, deployment.name, aliases);
    if (error) return send(res, error.status, error.body, headers);

    const call = {
      res, headers, body, model, azure, requestId, n: body.n ?? 1, size: body.size ?? (MODELS[model] ?? MODELS[aliases[model]]).defaultSize, sent: recorded.sent,
    };
    perform(queue.length > 0 ? queue.shift() : fallback, call);
  }

  // An edit: the multipart form parsed byte by byte, then the checks of a generation plus the
  // images', the mask's and input_fidelity's. Recorded with its raw body and its parts.
  function handleEdits(req, res, url, raw, route, pathDeployment) {
    const azure = route !== 'openai';
    const headers = baseHeaders(azure);
    const requestId = headers[azure ? 'apim-request-id' : 'x-request-id'];
    const parsed = parseMultipart(raw, req.headers['content-type']);
    const recorded = { method: req.method, path: req.url, headers: req.headers, raw, parts: parsed.parts ?? [], body: {}, sent: [], edit: true };
    requests.push(recorded);
    const rejection =
      (route === 'azure-classic' && !url.searchParams.get('api-version') && AZURE_RESOURCE_NOT_FOUND) ||
      (azure ? checkAzureAuth(req.headers['api-key'], apiKey) : checkOpenAIAuth(req.headers.authorization, apiKey));
    if (rejection) return send(res, rejection.status, rejection.body, headers);
    if (parsed.error) return send(res, 400, invalidRequest(`Invalid multipart form: ${parsed.error}.`, null, 'invalid_multipart').body, headers);
    const { body, error: bodyError } = editBody(parsed.parts);
    if (bodyError) return send(res, bodyError.status, bodyError.body, headers);
    recorded.body = body;
    const deployment = route === 'azure-v1' ? v1Deployment(body) : { name: pathDeployment };
    if (deployment.error) return send(res, deployment.error.status, deployment.error.body, headers);
    const { input_fidelity: fidelity, ...shared } = body;
    if (!azure) shared.model ??= 'gpt-image-1.5'; // the edits default [protocols §1.5]
    const { model, error } = validateRequest(shared, deployment.name, aliases);
    if (error) return send(res, error.status, error.body, headers);
    const files = checkEditFiles(parsed.parts, MODELS[model] ? model : aliases[model], body);
    if (files.error) return send(res, files.error.status, files.error.body, headers);
    const perImage = EDIT_IMAGE_TOKENS + (fidelity === 'high' ? HIGH_FIDELITY_TOKENS : 0);
    const call = {
      res, headers, body, model, azure, requestId, n: body.n ?? 1, edit: true,
      size: body.size ?? 'auto', sent: recorded.sent, inputImageTokens: files.images.length * perImage,
    };
    perform(queue.length > 0 ? queue.shift() : fallback, call);
  }

  // The v1 API takes the deployment's name from the body's model, which it therefore requires.
  function v1Deployment(body) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return {}; // validateRequest says why
    const name = body.model;
    if (name === undefined || name === null) {
      return { error: invalidRequest("Missing required parameter: 'model'.", 'model', 'missing_required_parameter') };
    }
    if (typeof name !== 'string') {
      return { error: invalidRequest(`Invalid type for 'model': expected a string, but got ${typeName(name)} instead.`, 'model', 'invalid_type') };
    }
    return { name };
  }

  function serveFile(res, spec) {
    const deliver = () => {
      if (spec.fileStatus !== undefined && spec.fileStatus !== 200) {
        // Real image URLs point at Azure Blob Storage, which answers errors in XML.
        const code = spec.fileStatus === 404 ? 'BlobNotFound' : http.STATUS_CODES[spec.fileStatus]?.replace(/\s/g, '') ?? 'Error';
        const xml = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>The fake was told to answer ${spec.fileStatus}.</Message></Error>`;
        return send(res, spec.fileStatus, xml, { 'content-type': 'application/xml', ...spec.fileHeaders });
      }
      const contentType = spec.fileContentType ?? 'image/png';
      if (spec.fileBytes !== undefined) return streamBytes(res, spec.fileBytes, contentType, spec.fileChunked);
      const body = spec.fileBody ?? spec.png;
      send(res, 200, body, { 'content-type': contentType });
    };
    if (spec.fileDelayMs) later(res, spec.fileDelayMs, deliver);
    else deliver();
  }

  const handler = (req, res) => {
    const url = new URL(req.url, 'http://fake');
    const fileMatch = req.method === 'GET' && FILE_PATH.exec(url.pathname);
    if (fileMatch) {
      return serveFile(res, files.get(fileMatch[1]) ?? { fileStatus: 404 });
    }
    const azureMatch = AZURE_PATH.exec(url.pathname);
    let route = azureMatch ? 'azure-classic' : null;
    if (url.pathname === GENERATIONS_PATH) route = 'openai';
    if (url.pathname === AZURE_V1_PATH) route = 'azure-v1';
    const editMatch = AZURE_EDITS_PATH.exec(url.pathname);
    const editRoute = (editMatch && 'azure-classic') || (url.pathname === EDITS_PATH && 'openai') ||
      (url.pathname === AZURE_V1_EDITS_PATH && 'azure-v1') || null;
    if (req.method === 'POST' && editRoute) {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => handleEdits(req, res, url, Buffer.concat(chunks), editRoute, editMatch ? decodeURIComponent(editMatch[1]) : undefined));
      req.on('error', () => {});
      return undefined;
    }
    if (req.method !== 'POST' || route === null) {
      const { status, body } = openaiError(404, `Invalid URL (${req.method} ${url.pathname})`, 'invalid_request_error');
      return send(res, status, body, baseHeaders(false));
    }
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () =>
      handleGenerations(req, res, url, Buffer.concat(chunks).toString('utf8'), route, azureMatch ? decodeURIComponent(azureMatch[1]) : undefined),
    );
    req.on('error', () => {}); // a client that aborts mid-upload must not crash the fake
  };
  const server = tls ? https.createServer({ key: tls.key, cert: tls.cert }, handler) : http.createServer(handler);
  // A client that rejects our certificate aborts the handshake; that is the point of the test.
  if (tls) server.on('tlsClientError', () => {});

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actualPort = server.address().port;
  origin = `${tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${actualPort}`;

  let closing;
  return {
    url: `${origin}/v1`,
    origin,
    port: actualPort,
    requests,
    enqueue(...behaviours) {
      queue.push(...behaviours.map(normaliseBehaviour));
    },
    /** Calls answered 'held' that are still waiting for release(). */
    get heldCount() {
      return held.length;
    },
    /** Answers every held call (with its `then` behaviour). */
    release() {
      for (const answer of held.splice(0)) answer();
    },
    setDefault(behaviour) {
      fallback = normaliseBehaviour(behaviour);
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    close() {
      closing ??= new Promise((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => resolve());
        server.closeAllConnections(); // includes responses still waiting on a delay
      });
      return closing;
    },
  };
}

// Streams `total` bytes without holding them in memory; the PNG signature up front means
// only a size limit, not a magic-bytes check, can reject the download.
function streamBytes(res, total, contentType, chunked) {
  res.writeHead(200, { 'content-type': contentType, ...(!chunked && { 'content-length': total }) });
  const chunk = Buffer.alloc(64 * 1024);
  PNG_SIGNATURE.copy(chunk);
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      const part = chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += part.length;
      if (!res.write(part)) return void res.once('drain', pump);
    }
    res.end();
  };
  pump();
}

// ---------------------------------------------------------------- CLI

async function main(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string' },
      'api-key': { type: 'string' },
      mode: { type: 'string', default: 'b64' },
    },
  });
  const mode = values.mode.startsWith('{') ? JSON.parse(values.mode) : values.mode;
  const fake = await startFakeOpenAI({ port: Number(values.port), host: values.host, apiKey: values['api-key'], defaultBehaviour: mode });
  process.stdout.write(`fake-openai listening on ${fake.url}\n`);
  const stop = () => fake.close().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await main(process.argv.slice(2));
}
