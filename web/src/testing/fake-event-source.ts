// A stand-in for the browser's EventSource (jsdom has none): tests open, feed and break streams.
import { act } from '@testing-library/react';
import { vi } from 'vitest';

type Listener = (event: Event) => void;

export class FakeEventSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  readonly CONNECTING = 0;
  readonly OPEN = 1;
  readonly CLOSED = 2;

  /** Every stream opened since `installFakeEventSource()`, in order. */
  static instances: FakeEventSource[] = [];

  readonly url: string;
  readonly withCredentials = false;
  readyState = FakeEventSource.CONNECTING;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(url: string | URL) {
    this.url = String(url);
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: Listener) {
    let set = this.listeners.get(type);
    if (!set) {
      set = new Set();
      this.listeners.set(type, set);
    }
    set.add(listener);
  }

  removeEventListener(type: string, listener: Listener) {
    this.listeners.get(type)?.delete(listener);
  }

  close() {
    this.readyState = FakeEventSource.CLOSED;
  }

  get closed(): boolean {
    return this.readyState === FakeEventSource.CLOSED;
  }

  private dispatch(type: string, event: Event) {
    for (const listener of [...(this.listeners.get(type) ?? [])]) listener(event);
  }

  /** The server answered with an event stream. */
  open() {
    act(() => {
      this.readyState = FakeEventSource.OPEN;
      this.dispatch('open', new Event('open'));
    });
  }

  /** One event named `type` with `data` as its JSON; ignored once closed, as a real one would be. */
  emit(type: string, data: unknown, lastEventId = '') {
    if (this.closed) return;
    act(() => {
      this.dispatch(type, new MessageEvent(type, { data: JSON.stringify(data), lastEventId }));
    });
  }

  /** The connection broke (EventSource will reconnect) or, `fatal`, was refused (it will not). */
  fail({ fatal = false }: { fatal?: boolean } = {}) {
    if (this.closed) return;
    act(() => {
      this.readyState = fatal ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING;
      this.dispatch('error', new Event('error'));
    });
  }
}

/** Puts `FakeEventSource` in place of `EventSource` (undone after each test by `unstubGlobals`). */
export function installFakeEventSource() {
  FakeEventSource.instances = [];
  vi.stubGlobal('EventSource', FakeEventSource);
  return {
    /** Streams opened for `url` (path and query), oldest first. */
    opened: (url: string) => FakeEventSource.instances.filter((source) => source.url === url),
    /** The newest stream for `url`; throws when there is none. */
    latest: (url: string): FakeEventSource => {
      const found = FakeEventSource.instances.filter((source) => source.url === url).at(-1);
      if (!found) throw new Error(`no EventSource was opened for ${url}`);
      return found;
    },
  };
}
