// Server-Sent Events with a way out. `subscribeEvents` listens to the named events of one stream
// (EventSource reconnects and sends Last-Event-ID by itself) and gives up — closes the stream and
// calls `onGiveUp` once — when the browser has no EventSource, the server refuses the stream, or
// it keeps failing. Callers then fall back to polling.

/** One listener per event name; `data` is the event's JSON (events whose data is not JSON are skipped). */
export type EventListeners = Record<string, (data: unknown) => void>;

export interface SubscribeOptions {
  /** Called once when the stream is given up; never after the returned `close()`. */
  onGiveUp?: () => void;
  /** Errors in a row (without an `open` or an event between them) before giving up. */
  maxErrors?: number;
}

export const MAX_STREAM_ERRORS = 3;

export function supportsEventSource(): boolean {
  return typeof EventSource === 'function';
}

function parseData(data: unknown): { ok: true; value: unknown } | { ok: false } {
  if (typeof data !== 'string') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(data) as unknown };
  } catch {
    return { ok: false };
  }
}

/** Opens `url` as an EventSource; returns `close`. */
export function subscribeEvents(
  url: string,
  listeners: EventListeners,
  { onGiveUp, maxErrors = MAX_STREAM_ERRORS }: SubscribeOptions = {},
): () => void {
  let closed = false;
  if (!supportsEventSource()) {
    queueMicrotask(() => {
      if (!closed) onGiveUp?.();
    });
    return () => {
      closed = true;
    };
  }

  const source = new EventSource(url);
  let errors = 0;
  const close = () => {
    if (closed) return;
    closed = true;
    source.close();
  };

  source.addEventListener('open', () => {
    errors = 0;
  });
  for (const [name, listener] of Object.entries(listeners)) {
    source.addEventListener(name, (event) => {
      if (closed) return;
      errors = 0;
      const parsed = parseData((event as MessageEvent).data);
      if (parsed.ok) listener(parsed.value);
    });
  }
  source.addEventListener('error', () => {
    if (closed) return;
    errors += 1;
    // CLOSED: the server answered something other than an event stream; EventSource will not retry.
    if (source.readyState === EventSource.CLOSED || errors >= maxErrors) {
      close();
      onGiveUp?.();
    }
  });
  return close;
}
