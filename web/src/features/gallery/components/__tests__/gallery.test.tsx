import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { installFakeEventSource } from '../../../../testing/fake-event-source';
import { makeImage, makeImages } from '../../../../testing/fixtures';
import {
  deferred,
  errorResponse,
  jsonResponse,
  mockFetch,
  type RecordedRequest,
} from '../../../../testing/mock-fetch';
import { renderWithProviders } from '../../../../testing/test-utils';
import type { GetImagesResponse } from '../../../../types/api';
import { GALLERY_PAGE_SIZE, usePrependToGallery } from '../../api/get-images';
import { Gallery } from '../gallery';

type PageHandler = (request: RecordedRequest) => Response | Promise<Response>;

function page(imageUrls: GetImagesResponse['imageUrls'], nextCursor: string | null = null): Response {
  return jsonResponse({ imageUrls, nextCursor });
}

function setup(getImages: PageHandler, props: Parameters<typeof Gallery>[0] = {}) {
  const api = mockFetch((request) => {
    if (request.path.startsWith('/api/getImages')) return getImages(request);
    return errorResponse(404, 'not_found', 'No such route.');
  });
  const view = renderWithProviders(<Gallery {...props} />);
  return { api, ...view };
}

function tiles(): HTMLElement[] {
  return within(screen.getByRole('list', { name: 'Generated images' })).getAllByRole('listitem');
}

describe('Gallery: rendering', () => {
  it('shows a loading skeleton, then one tile per image with the full prompt as alt text', async () => {
    const pending = deferred<Response>();
    const tricky = 'A red fox. Oil painting_with #hash? and/or 100% «unicode» 🦊';
    const images = [makeImage({ id: 'a', prompt: tricky, width: 1536, height: 1024 }), makeImage({ id: 'b' })];
    setup(() => pending.promise);

    expect(screen.getByRole('status')).toHaveTextContent('Loading images…');
    pending.resolve(page(images));

    const img = await screen.findByRole('img', { name: tricky });
    expect(img).toHaveAttribute('alt', tricky);
    expect(img).toHaveAttribute('src', images[0]?.thumbnailUrl);
    expect(img).toHaveAttribute('loading', 'lazy');
    // The newest tile is featured (2×2), so its size hint is twice the thumbnail's.
    expect(img).toHaveAttribute('width', '1024');
    expect(img).toHaveAttribute('height', '683');
    expect(img.style.aspectRatio).toBe('1024 / 683');
    expect(tiles()).toHaveLength(2);
    expect(tiles()[0]).toHaveClass('md:col-span-2', 'md:row-span-2');
    expect(tiles()[1]).not.toHaveClass('md:col-span-2');
    const second = within(tiles()[1] as HTMLElement).getByRole('img');
    expect(second).toHaveAttribute('width', '512');
    expect(second).toHaveAttribute('height', '512');
  });

  it('shows the whole prompt in the hover/focus overlay, never cut at "." or "_"', async () => {
    const prompt = 'A cat. Oil painting_by night #3\nsecond line';
    setup(() => page([makeImage({ id: 'cat', prompt })]));
    await screen.findByRole('img', { name: prompt });
    const overlay = within(tiles()[0] as HTMLElement).getByTestId('tile-overlay');
    expect(overlay.textContent).toBe(prompt);
    expect(overlay.className).toMatch(/group-hover:opacity-100/);
    expect(overlay.className).toMatch(/group-focus-visible:opacity-100/);
  });

  it('isolates the text direction of each prompt so one prompt cannot reorder its neighbours', async () => {
    const prompt = '\u0645\u0631\u062D\u0628\u0627 then English';
    setup(() => page([makeImage({ id: 'rtl', prompt })]));
    await screen.findByRole('img', { name: prompt });
    // An element with a dir attribute gets unicode-bidi: isolate from the browser's own stylesheet.
    expect(within(tiles()[0] as HTMLElement).getByText(prompt)).toHaveAttribute('dir', 'auto');
  });

  it('keys tiles by image id: a refresh with new signed URLs keeps the same elements', async () => {
    const first = makeImages(3, 'keep');
    const refreshed = first.map((image) => ({
      ...image,
      url: `${image.url}&refreshed=1`,
      thumbnailUrl: `${image.thumbnailUrl}&refreshed=1`,
    }));
    let call = 0;
    const { user } = setup(() => page(call++ === 0 ? first : refreshed));
    await screen.findByRole('img', { name: 'keep prompt 1' });
    const before = tiles();

    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    await waitFor(() =>
      expect(screen.getByRole('img', { name: 'keep prompt 1' })).toHaveAttribute('src', refreshed[0]?.thumbnailUrl),
    );
    const after = tiles();
    expect(after).toHaveLength(3);
    after.forEach((tile, i) => expect(tile).toBe(before[i]));
  });

  it('shows an empty state that invites a first prompt', async () => {
    const onStartPrompt = vi.fn();
    const { user } = setup(() => page([]), { onStartPrompt });
    expect(await screen.findByText('No images yet')).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Write your first prompt' }));
    expect(onStartPrompt).toHaveBeenCalledTimes(1);
  });

  it('shows an error state with the server message and a Retry button that reloads', async () => {
    let call = 0;
    const { user, api } = setup(() =>
      call++ === 0
        ? errorResponse(503, 'provider_unavailable', 'Storage cannot be reached.')
        : page([makeImage({ id: 'back', prompt: 'Back again' })]),
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The gallery could not be loaded.');
    expect(alert).toHaveTextContent('Storage cannot be reached.');

    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('img', { name: 'Back again' })).toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(api.to('/api/getImages')).toHaveLength(2);
  });

  it('shows the error state for a 200 that is not a page of images', async () => {
    setup(() => jsonResponse({ images: 'nope' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The gallery could not be loaded.');
    expect(alert).toHaveTextContent('could not be read');
  });

  it('skips list items without an id instead of rendering unkeyed tiles', async () => {
    setup(() => jsonResponse({ imageUrls: [{ prompt: 'no id', url: '/x', thumbnailUrl: '/y' }, makeImage({ id: 'ok', prompt: 'ok' })], nextCursor: null }));
    await screen.findByRole('img', { name: 'ok' });
    expect(tiles()).toHaveLength(1);
  });

  it('labels the Refresh button "Refreshing…" while revalidating', async () => {
    let pending: ReturnType<typeof deferred<Response>> | null = null;
    const { user } = setup(() => {
      if (!pending) return page([makeImage({ id: 'r1', prompt: 'r1' })]);
      return pending.promise;
    });
    await screen.findByRole('img', { name: 'r1' });
    pending = deferred<Response>();
    await user.click(screen.getByRole('button', { name: 'Refresh' }));
    expect(await screen.findByRole('button', { name: 'Refreshing…' })).toBeInTheDocument();
    pending.resolve(page([makeImage({ id: 'r1', prompt: 'r1' })]));
    expect(await screen.findByRole('button', { name: 'Refresh' })).toBeInTheDocument();
  });
});

describe('Gallery: pagination', () => {
  it(`asks for ${GALLERY_PAGE_SIZE} per page and sends the cursor for the next page on "Load more"`, async () => {
    const first = makeImages(GALLERY_PAGE_SIZE, 'p1');
    const second = makeImages(5, 'p2');
    const { user, api } = setup((request) =>
      request.query.get('cursor') === 'cursor/with+chars=' ? page(second, null) : page(first, 'cursor/with+chars='),
    );
    await screen.findByRole('img', { name: 'p1 prompt 1' });
    expect(api.to('/api/getImages')).toHaveLength(1);
    expect(api.to('/api/getImages')[0]?.query.get('limit')).toBe(String(GALLERY_PAGE_SIZE));
    expect(api.to('/api/getImages')[0]?.query.has('cursor')).toBe(false);

    await user.click(screen.getByRole('button', { name: 'Load more' }));
    expect(await screen.findByRole('img', { name: 'p2 prompt 5' })).toBeInTheDocument();

    const calls = api.to('/api/getImages');
    expect(calls).toHaveLength(2); // only the new page, not page 1 again
    expect(calls[1]?.query.get('cursor')).toBe('cursor/with+chars=');
    expect(calls[1]?.query.get('limit')).toBe(String(GALLERY_PAGE_SIZE));
    expect(tiles()).toHaveLength(GALLERY_PAGE_SIZE + 5);
    expect(screen.queryByRole('button', { name: 'Load more' })).not.toBeInTheDocument();
    expect(screen.getByText(/that’s everything/i)).toBeInTheDocument();
  });

  it('loads the next page when the sentinel scrolls into view (IntersectionObserver)', async () => {
    const observers: Array<{ callback: IntersectionObserverCallback; targets: Element[] }> = [];
    class FakeObserver {
      targets: Element[] = [];
      constructor(public callback: IntersectionObserverCallback) {
        observers.push(this);
      }
      observe(target: Element) {
        this.targets.push(target);
      }
      disconnect() {
        this.targets = [];
      }
      unobserve() {}
      takeRecords() {
        return [];
      }
    }
    vi.stubGlobal('IntersectionObserver', FakeObserver);

    const { api } = setup((request) =>
      request.query.get('cursor') === 'c2' ? page(makeImages(2, 'second'), null) : page(makeImages(3, 'first'), 'c2'),
    );
    await screen.findByRole('img', { name: 'first prompt 1' });
    const active = observers.find((o) => o.targets.length > 0);
    expect(active?.targets[0]).toBe(screen.getByTestId('gallery-sentinel'));

    act(() => {
      active?.callback(
        [{ isIntersecting: true, target: active.targets[0] } as unknown as IntersectionObserverEntry],
        active as unknown as IntersectionObserver,
      );
    });
    expect(await screen.findByRole('img', { name: 'second prompt 2' })).toBeInTheDocument();
    expect(api.to('/api/getImages')[1]?.query.get('cursor')).toBe('c2');
  });

  it('keeps loaded images and offers Retry when a later page fails', async () => {
    let failed = false;
    const { user } = setup((request) => {
      if (request.query.get('cursor') === 'c2') {
        if (!failed) {
          failed = true;
          return errorResponse(504, 'provider_timeout', 'Storage timed out.');
        }
        return page(makeImages(1, 'late'), null);
      }
      return page(makeImages(2, 'early'), 'c2');
    });
    await screen.findByRole('img', { name: 'early prompt 1' });
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Storage timed out.');
    expect(screen.getByRole('img', { name: 'early prompt 2' })).toBeInTheDocument();

    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    expect(await screen.findByRole('img', { name: 'late prompt 1' })).toBeInTheDocument();
  });
});

describe('usePrependToGallery', () => {
  it('puts new images first at once, without fetching the list again', async () => {
    let prepend: ((images: ReturnType<typeof makeImages>) => void) | undefined;
    function Harness() {
      prepend = usePrependToGallery();
      return <Gallery />;
    }
    const api = mockFetch((request) =>
      request.path.startsWith('/api/getImages')
        ? page(makeImages(2, 'old'), 'next')
        : errorResponse(404, 'not_found', 'No such route.'),
    );
    renderWithProviders(<Harness />);
    await screen.findByRole('img', { name: 'old prompt 1' });
    const oldFirst = tiles()[0];

    const fresh = makeImage({ id: 'fresh', prompt: 'Brand new' });
    act(() => prepend?.([fresh]));

    await waitFor(() => expect(within(tiles()[0] as HTMLElement).getByRole('img')).toHaveAccessibleName('Brand new'));
    expect(tiles()).toHaveLength(3);
    expect(tiles()[0]).toHaveClass('md:col-span-2');
    expect(tiles()[1]).toBe(oldFirst);
    expect(tiles()[1]).not.toHaveClass('md:col-span-2');
    expect(api.to('/api/getImages')).toHaveLength(1);
  });
});

describe('Gallery: live events (/api/events)', () => {
  function ids(): Array<string | null> {
    return tiles().map((tile) => tile.getAttribute('data-image-id'));
  }

  it('puts images made elsewhere first, without re-fetching, and never twice', async () => {
    const streams = installFakeEventSource();
    const { api } = setup(() => page(makeImages(2, 'old'), 'next'), { liveEvents: true });
    await screen.findByRole('img', { name: 'old prompt 1' });
    const oldFirst = tiles()[0];
    const events = streams.latest('/api/events');
    events.open();

    events.emit('image.created', makeImage({ id: 'other-1', prompt: 'From another browser' }), 'ev-1');
    expect(ids()).toEqual(['other-1', 'old-1', 'old-2']);
    expect(within(tiles()[0] as HTMLElement).getByRole('img')).toHaveAccessibleName('From another browser');
    expect(tiles()[0]).toHaveClass('md:col-span-2');
    expect(tiles()[1]).toBe(oldFirst);

    events.emit('image.created', makeImage({ id: 'other-2' }), 'ev-2');
    // Repeats (a reconnect, or an image this tab already showed) change nothing.
    events.emit('image.created', makeImage({ id: 'other-1', prompt: 'From another browser' }), 'ev-1');
    events.emit('image.created', makeImage({ id: 'old-2' }));
    // Not an Image: skipped.
    events.emit('image.created', { id: 'broken' });
    expect(ids()).toEqual(['other-2', 'other-1', 'old-1', 'old-2']);
    expect(api.to('/api/getImages')).toHaveLength(1);
    expect(streams.opened('/api/events')).toHaveLength(1);
  });

  it('keeps inserted images when the next page is loaded', async () => {
    const streams = installFakeEventSource();
    const { user, api } = setup(
      (request) => (request.query.get('cursor') === 'c2' ? page(makeImages(1, 'p2'), null) : page(makeImages(2, 'p1'), 'c2')),
      { liveEvents: true },
    );
    await screen.findByRole('img', { name: 'p1 prompt 1' });
    streams.latest('/api/events').emit('image.created', makeImage({ id: 'live' }));
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('img', { name: 'p2 prompt 1' });
    expect(ids()).toEqual(['live', 'p1-1', 'p1-2', 'p2-1']);
    expect(api.to('/api/getImages')).toHaveLength(2);
  });

  it('removes deleted images from whichever page holds them, without re-fetching', async () => {
    const streams = installFakeEventSource();
    const { user, api } = setup(
      (request) => (request.query.get('cursor') === 'c2' ? page(makeImages(2, 'p2'), null) : page(makeImages(2, 'p1'), 'c2')),
      { liveEvents: true },
    );
    await screen.findByRole('img', { name: 'p1 prompt 1' });
    await user.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByRole('img', { name: 'p2 prompt 2' });
    const events = streams.latest('/api/events');

    events.emit('image.deleted', { id: 'p2-1' });
    events.emit('image.deleted', { id: 'p1-1' });
    events.emit('image.deleted', { id: 'never-shown' });
    expect(ids()).toEqual(['p1-2', 'p2-2']);
    expect(tiles()[0]).toHaveClass('md:col-span-2');
    expect(api.to('/api/getImages')).toHaveLength(2);
  });

  it('loads the gallery again on "reset" (the server could not resume the stream)', async () => {
    const streams = installFakeEventSource();
    let call = 0;
    const { api } = setup(() => page(call++ === 0 ? makeImages(1, 'before') : makeImages(2, 'after')), { liveEvents: true });
    await screen.findByRole('img', { name: 'before prompt 1' });
    streams.latest('/api/events').emit('reset', {});
    expect(await screen.findByRole('img', { name: 'after prompt 2' })).toBeInTheDocument();
    expect(api.to('/api/getImages')).toHaveLength(2);
  });

  it('opens no stream without liveEvents, and closes it on unmount', async () => {
    const streams = installFakeEventSource();
    const first = setup(() => page(makeImages(1, 'a')));
    await screen.findByRole('img', { name: 'a prompt 1' });
    expect(streams.opened('/api/events')).toHaveLength(0);
    first.unmount();

    const second = setup(() => page(makeImages(1, 'b')), { liveEvents: true });
    await screen.findByRole('img', { name: 'b prompt 1' });
    const events = streams.latest('/api/events');
    expect(events.closed).toBe(false);
    second.unmount();
    expect(events.closed).toBe(true);
  });
});

describe('Gallery: leading tiles', () => {
  it('shows them first in the same grid, keeps their elements when the images arrive, and hides "No images yet" while active', async () => {
    const pending = deferred<Response>();
    const leading = (
      <ul role="list" className="contents" aria-label="Running">
        <li data-testid="lead">running job</li>
      </ul>
    );
    const view = setup(() => pending.promise, { leading, leadingActive: true });
    const lead = screen.getByTestId('lead');
    pending.resolve(page(makeImages(1, 'x')));
    await screen.findByRole('img', { name: 'x prompt 1' });
    expect(screen.getByTestId('lead')).toBe(lead);
    const grid = screen.getByRole('list', { name: 'Generated images' }).parentElement as HTMLElement;
    expect(grid.firstElementChild).toBe(screen.getByRole('list', { name: 'Running' }));

    view.unmount();
    setup(() => page([]), { leading, leadingActive: true });
    await waitFor(() => expect(screen.getByRole('region', { name: 'Gallery' })).toHaveAttribute('aria-busy', 'false'));
    expect(screen.getByTestId('lead')).toBeInTheDocument();
    expect(screen.queryByText('No images yet')).not.toBeInTheDocument();
  });

  it('shows "No images yet" below tiles that are no longer active (e.g. a failure)', async () => {
    setup(() => page([]), {
      leading: (
        <ul role="list" className="contents" aria-label="Running">
          <li data-testid="lead">failed job</li>
        </ul>
      ),
      leadingActive: false,
    });
    expect(await screen.findByText('No images yet')).toBeInTheDocument();
    expect(screen.getByTestId('lead')).toBeInTheDocument();
  });
});
