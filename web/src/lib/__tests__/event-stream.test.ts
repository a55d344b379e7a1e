import { describe, expect, it, vi } from 'vitest';
import { installFakeEventSource } from '../../testing/fake-event-source';
import { subscribeEvents } from '../event-stream';

describe('subscribeEvents', () => {
  it('hands each named event its parsed JSON and skips data that is not JSON', () => {
    const streams = installFakeEventSource();
    const created = vi.fn();
    const deleted = vi.fn();
    subscribeEvents('/api/events', { 'image.created': created, 'image.deleted': deleted });
    const source = streams.latest('/api/events');
    source.emit('image.created', { id: 'a' });
    source.emit('image.deleted', { id: 'b' });
    source.emit('unknown', { id: 'c' });
    source['dispatch']('image.created', new MessageEvent('image.created', { data: 'not json' }));
    expect(created.mock.calls).toEqual([[{ id: 'a' }]]);
    expect(deleted.mock.calls).toEqual([[{ id: 'b' }]]);
  });

  it('gives up after three errors in a row, not when an open or an event came between', () => {
    const streams = installFakeEventSource();
    const onGiveUp = vi.fn();
    subscribeEvents('/s', { tick: () => {} }, { onGiveUp });
    const source = streams.latest('/s');
    source.fail();
    source.fail();
    source.open(); // reconnected
    source.fail();
    source.fail();
    source.emit('tick', 1);
    source.fail();
    source.fail();
    expect(onGiveUp).not.toHaveBeenCalled();
    expect(source.closed).toBe(false);
    source.fail();
    expect(onGiveUp).toHaveBeenCalledTimes(1);
    expect(source.closed).toBe(true);
  });

  it('gives up at once when the server refuses the stream (EventSource will not retry)', () => {
    const streams = installFakeEventSource();
    const onGiveUp = vi.fn();
    subscribeEvents('/s', {}, { onGiveUp });
    streams.latest('/s').fail({ fatal: true });
    expect(onGiveUp).toHaveBeenCalledTimes(1);
  });

  it('close() stops events and never gives up afterwards', () => {
    const streams = installFakeEventSource();
    const listener = vi.fn();
    const onGiveUp = vi.fn();
    const close = subscribeEvents('/s', { tick: listener }, { onGiveUp });
    const source = streams.latest('/s');
    close();
    expect(source.closed).toBe(true);
    source['dispatch']('tick', new MessageEvent('tick', { data: '1' }));
    source['dispatch']('error', new Event('error'));
    expect(listener).not.toHaveBeenCalled();
    expect(onGiveUp).not.toHaveBeenCalled();
  });

  it('without EventSource: gives up right away (asynchronously), unless closed first', async () => {
    vi.stubGlobal('EventSource', undefined);
    const onGiveUp = vi.fn();
    subscribeEvents('/s', {}, { onGiveUp });
    expect(onGiveUp).not.toHaveBeenCalled();
    await Promise.resolve();
    expect(onGiveUp).toHaveBeenCalledTimes(1);

    const other = vi.fn();
    const close = subscribeEvents('/s', {}, { onGiveUp: other });
    close();
    await Promise.resolve();
    expect(other).not.toHaveBeenCalled();
  });
});
