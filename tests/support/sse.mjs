// A Server-Sent Events reader for the tests: opens a stream over node:http, parses it as it
// arrives (event, id, data, comments) and lets a test wait for the next event with a deadline.
// Only node: built-ins.

import http from 'node:http';

/**
 * Opens `path` on `base` as an event stream (GET, or `method` with `body`, e.g. a POST that answers
 * with a stream). Resolves once the response header arrived with
 * {status, headers, events (all so far), comments (all so far, with their arrival time),
 * next(timeoutMs) → the next unread event, until(predicate, timeoutMs) → the first unread event
 * that matches (skipping others), ended (a promise: the server closed the stream), close()}.
 * Each event is {event, id, data, json, at}; `at` is Date.now() when its last line arrived.
 */
export function openEvents(base, path, { headers = {}, method = 'GET', body } = {}) {
  const url = new URL(path, base);
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      const stream = makeStream(res, req);
      resolve(stream);
    });
    req.on('error', reject);
    req.end(body);
  });
}

function makeStream(res, req) {
  const events = [];
  const comments = [];
  let read = 0;
  let waiters = [];
  let buffer = '';
  let current = { event: 'message', id: undefined, data: [] };
  let body = '';
  let endedResolve;
  const ended = new Promise((resolve) => { endedResolve = resolve; });
  let isEnded = false;

  const wake = () => {
    const pending = waiters;
    waiters = [];
    for (const w of pending) w();
  };
  const dispatch = () => {
    if (current.data.length === 0) {
      current = { event: 'message', id: undefined, data: [] };
      return;
    }
    const data = current.data.join('\n');
    let json;
    try { json = JSON.parse(data); } catch { json = undefined; }
    events.push({ event: current.event, id: current.id, data, json, at: Date.now() });
    current = { event: 'message', id: undefined, data: [] };
    wake();
  };
  const line = (text) => {
    if (text === '') return dispatch();
    if (text.startsWith(':')) {
      comments.push({ text: text.slice(1).trim(), at: Date.now() });
      wake();
      return;
    }
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') current.event = value;
    else if (field === 'data') current.data.push(value);
    else if (field === 'id') current.id = value;
  };
  res.setEncoding('utf8');
  res.on('data', (chunk) => {
    body += chunk;
    buffer += chunk;
    for (;;) {
      const end = buffer.search(/\r\n|\n|\r/);
      if (end < 0) break;
      const sep = buffer[end] === '\r' && buffer[end + 1] === '\n' ? 2 : 1;
      line(buffer.slice(0, end));
      buffer = buffer.slice(end + sep);
    }
  });
  const finish = () => {
    if (isEnded) return;
    isEnded = true;
    endedResolve();
    wake();
  };
  res.on('end', finish);
  res.on('close', finish);
  res.on('error', finish);

  const waitFor = (pick, timeoutMs, what) => new Promise((resolve, reject) => {
    const deadline = setTimeout(() => {
      waiters = waiters.filter((w) => w !== check);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; events so far: ${events.map((e) => e.event).join(', ')}`));
    }, timeoutMs);
    const check = () => {
      const found = pick();
      if (found !== undefined) {
        clearTimeout(deadline);
        resolve(found);
      } else if (isEnded) {
        clearTimeout(deadline);
        reject(new Error(`the stream ended while waiting for ${what}; events: ${events.map((e) => e.event).join(', ')}`));
      } else {
        waiters.push(check);
      }
    };
    check();
  });

  return {
    status: res.statusCode,
    headers: res.headers,
    events,
    comments,
    ended,
    body: () => body,
    get isEnded() { return isEnded; },
    next(timeoutMs = 10_000) {
      return waitFor(() => (read < events.length ? events[read++] : undefined), timeoutMs, 'the next event');
    },
    until(predicate, timeoutMs = 10_000, what = 'a matching event') {
      return waitFor(() => {
        while (read < events.length) {
          const e = events[read++];
          if (predicate(e)) return e;
        }
        return undefined;
      }, timeoutMs, what);
    },
    /** Resolves with the first comment that arrives after `since` (a Date.now() value). */
    commentAfter(since, timeoutMs = 20_000) {
      return waitFor(() => comments.find((c) => c.at >= since), timeoutMs, 'a comment');
    },
    close() {
      req.destroy();
      res.destroy();
    },
  };
}

/** Reads a whole (ending) event stream and returns its events. */
export async function readAllEvents(base, path, options = {}) {
  const stream = await openEvents(base, path, options);
  await stream.ended;
  return stream;
}
