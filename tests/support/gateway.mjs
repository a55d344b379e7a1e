// Helpers of the OpenAI-compatible gateway's tests: the official `openai` SDK as a caller would
// configure it, the error a call rejects with, and what a b64_json picture is.
import assert from 'node:assert/strict';
import OpenAI from 'openai';

import { PNG_SIGNATURE } from './server.mjs';

/** The SDK against a server's /v1; no retries, so a refusal surfaces at once. */
export function gatewayClient(server, apiKey) {
  return new OpenAI({ apiKey, baseURL: `${server.url}/v1`, maxRetries: 0 });
}

/** The error a promise rejects with (the test fails when it resolves). */
export async function rejection(promise) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  return assert.fail('expected the call to fail');
}

/** A base64 PNG's width and height, from its IHDR (the test fails when it is not a PNG). */
export function pngSize(b64, what) {
  const bytes = Buffer.from(b64, 'base64');
  assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), `${what} is a PNG`);
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}
