import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../lib/api-client';
import { makeQuota } from '../../../testing/fixtures';
import { errorResponse, jsonResponse, mockFetch } from '../../../testing/mock-fetch';
import { getQuota } from '../api/get-quota';
import { currentLimit, imagesLeftText, toLimitRefusal, type LimitRefusal, type LimitState } from '../limits';

const NOW = Date.parse('2026-12-02T20:00:00Z');
const RESETS_AT = '2026-12-03T00:00:00Z';
const KEY = '["1024x1024","auto","vivid",1]';

function localTime(iso: string | number): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function refusal(overrides: Partial<LimitRefusal> = {}): LimitRefusal {
  return { code: 'rate_limited', message: 'Slow down.', retryAt: NOW + 10_000, requestKey: KEY, ...overrides };
}

function limit(state: Partial<LimitState>) {
  return currentLimit({ quota: undefined, refusal: null, requestKey: KEY, requestedImages: 1, now: NOW, ...state });
}

describe('imagesLeftText', () => {
  it('is singular for one image only', () => {
    expect(imagesLeftText(0)).toBe('0 images left today');
    expect(imagesLeftText(1)).toBe('1 image left today');
    expect(imagesLeftText(2)).toBe('2 images left today');
  });
});

describe('toLimitRefusal', () => {
  const limited = (code: string, status = 429, retryAfterSeconds?: number) =>
    new ApiError({ status, code, message: ' Refused. ', ...(retryAfterSeconds ? { retryAfterSeconds } : {}) });

  it('takes the four limit codes of a 429, with the retry time', () => {
    for (const code of ['rate_limited', 'too_many_in_flight', 'daily_quota_exhausted', 'budget_exhausted']) {
      expect(toLimitRefusal(limited(code, 429, 30), KEY, NOW)).toEqual({
        code,
        message: 'Refused.',
        retryAt: NOW + 30_000,
        requestKey: KEY,
      });
    }
    expect(toLimitRefusal(limited('rate_limited'), KEY, NOW)?.retryAt).toBeNull();
  });

  it('leaves every other failure alone', () => {
    expect(toLimitRefusal(limited('provider_unavailable', 503, 5), KEY, NOW)).toBeNull();
    expect(toLimitRefusal(limited('http_error', 429, 5), KEY, NOW)).toBeNull();
    expect(toLimitRefusal(limited('rate_limited', 503, 5), KEY, NOW)).toBeNull();
    expect(toLimitRefusal(new Error('boom'), KEY, NOW)).toBeNull();
  });
});

describe('currentLimit', () => {
  it('is null when nothing limits', () => {
    expect(limit({})).toBeNull();
    expect(limit({ quota: makeQuota() })).toBeNull();
    expect(limit({ quota: makeQuota({ client: { imagesLeftToday: null } }) })).toBeNull();
  });

  it('blocks when the quota says today’s images or the budget are used up', () => {
    expect(limit({ quota: makeQuota({ client: { imagesLeftToday: 0, resetsAt: RESETS_AT } }) })).toEqual({
      reason: `You’ve made today’s images. More at ${localTime(RESETS_AT)}.`,
      blocksGenerate: true,
    });
    expect(limit({ quota: makeQuota({ budget: { exhausted: true, resetsAt: RESETS_AT } }) })).toEqual({
      reason: `Today’s image budget on this server is used up. Generating starts again at ${localTime(RESETS_AT)}.`,
      blocksGenerate: true,
    });
  });

  it('leaves out the time when the reset time is unreadable', () => {
    expect(limit({ quota: makeQuota({ client: { imagesLeftToday: 0, resetsAt: 'soon' } }) })?.reason).toBe(
      'You’ve made today’s images.',
    );
  });

  it('blocks more images than are left', () => {
    expect(limit({ quota: makeQuota({ client: { imagesLeftToday: 1 } }), requestedImages: 2 })).toEqual({
      reason: 'Only 1 image left today. Choose fewer images.',
      blocksGenerate: true,
    });
    expect(limit({ quota: makeQuota({ client: { imagesLeftToday: 2 } }), requestedImages: 2 })).toBeNull();
  });

  it('holds a daily or budget refusal until its retry time, for the refused options only', () => {
    const daily = refusal({ code: 'daily_quota_exhausted', retryAt: Date.parse(RESETS_AT) });
    const reason = `You’ve made today’s images. More at ${localTime(RESETS_AT)}.`;
    expect(limit({ refusal: daily })).toEqual({ reason, blocksGenerate: true });
    expect(limit({ refusal: daily, now: Date.parse(RESETS_AT) - 1 })?.reason).toBe(reason);
    expect(limit({ refusal: daily, now: Date.parse(RESETS_AT) })).toBeNull();
    expect(limit({ refusal: daily, requestKey: '["1024x1024","auto","vivid",2]' })).toBeNull();

    const budget = refusal({ code: 'budget_exhausted', retryAt: Date.parse(RESETS_AT) });
    expect(limit({ refusal: budget })?.reason).toMatch(/^Today’s image budget on this server is used up\./);
    expect(
      limit({ refusal: budget, quota: makeQuota({ budget: { exhausted: false, resetsAt: RESETS_AT } }) })?.reason,
    ).toMatch(/cannot cover this request/);
  });

  it('counts down a rate or in-flight refusal, and only informs when no retry time was given', () => {
    expect(limit({ refusal: refusal({ message: 'Slow down' }) })).toEqual({
      reason: 'Slow down.',
      blocksGenerate: true,
      countdownUntil: NOW + 10_000,
    });
    expect(limit({ refusal: refusal({ code: 'too_many_in_flight', requestKey: 'other options' }) })?.blocksGenerate).toBe(
      true,
    );
    expect(limit({ refusal: refusal({ retryAt: null }) })).toEqual({ reason: 'Slow down.', blocksGenerate: false });
    expect(limit({ refusal: refusal(), now: NOW + 10_000 })).toBeNull();
  });
});

describe('getQuota', () => {
  it('reads the quota, without a budget when the server has none', async () => {
    mockFetch(() => jsonResponse({ client: makeQuota().client }));
    expect(await getQuota()).toEqual(makeQuota());
  });

  it('refuses an answer of another shape, and passes errors on', async () => {
    mockFetch(() => jsonResponse({ client: { imagesLeftToday: '5' } }));
    await expect(getQuota()).rejects.toMatchObject({ code: 'bad_response' });
    mockFetch(() => errorResponse(404, 'not_found', 'No such route.'));
    await expect(getQuota()).rejects.toMatchObject({ code: 'not_found', status: 404 });
  });
});
