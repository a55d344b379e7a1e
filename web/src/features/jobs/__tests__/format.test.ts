import { describe, expect, it } from 'vitest';
import { makeJob } from '../../../testing/fixtures';
import { elapsedSeconds, failureTitle, formatElapsed, formatEta, percentOf, safePreviewUrl, statusLine } from '../format';

describe('job tile wording', () => {
  it('formats elapsed time as m:ss (h:mm:ss past an hour)', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(7.9)).toBe('0:07');
    expect(formatElapsed(125)).toBe('2:05');
    expect(formatElapsed(3723)).toBe('1:02:03');
    expect(formatElapsed(-3)).toBe('0:00');
  });

  it('says the ETA in seconds, then minutes', () => {
    expect(formatEta(0.2)).toBe('about 1 s left');
    expect(formatEta(8)).toBe('about 8 s left');
    expect(formatEta(59.5)).toBe('about 1 min left');
    expect(formatEta(150)).toBe('about 3 min left');
  });

  it('rounds and clamps percentages', () => {
    expect(percentOf(0.424)).toBe(42);
    expect(percentOf(1.2)).toBe(100);
    expect(percentOf(-1)).toBe(0);
  });

  it('counts elapsed time from the start, or from the submit while queued', () => {
    const now = Date.parse('2026-12-02T12:00:10Z');
    expect(elapsedSeconds(makeJob({ status: 'running', startedAt: '2026-12-02T12:00:04Z' }), now)).toBe(6);
    expect(elapsedSeconds(makeJob({ status: 'queued', createdAt: '2026-12-02T12:00:00Z' }), now)).toBe(10);
    // A client clock behind the server's never shows negative time.
    expect(elapsedSeconds(makeJob({ createdAt: '2026-12-02T12:01:00Z' }), now)).toBe(0);
    expect(elapsedSeconds(makeJob({ createdAt: 'garbage' }), now)).toBeNull();
  });

  it('accepts data:image, http(s) and site-relative previews only', () => {
    expect(safePreviewUrl('data:image/webp;base64,AAAA')).toBe('data:image/webp;base64,AAAA');
    expect(safePreviewUrl('https://blob.example/p.webp?sig=1')).toBe('https://blob.example/p.webp?sig=1');
    expect(safePreviewUrl('/blobs/previews/p.webp')).toBe('/blobs/previews/p.webp');
    expect(safePreviewUrl('javascript:alert(1)')).toBeNull();
    expect(safePreviewUrl('data:text/html;base64,PHNjcmlwdD4=')).toBeNull();
    expect(safePreviewUrl('//elsewhere.example/p.webp')).toBeNull();
    expect(safePreviewUrl('')).toBeNull();
    expect(safePreviewUrl(null)).toBeNull();
  });

  it('names each state, and failures by their code', () => {
    expect(statusLine(null)).toBe('Reconnecting…');
    expect(statusLine(makeJob({ status: 'queued', queuePosition: 3 }))).toBe('Queued · position 3');
    expect(statusLine(makeJob({ status: 'queued', queuePosition: null }))).toBe('Queued');
    expect(statusLine(makeJob({ status: 'running' }))).toBe('Generating…');
    expect(statusLine(makeJob({ status: 'cancelled' }))).toBe('Cancelled');
    expect(statusLine(makeJob({ status: 'failed', error: { code: 'interrupted', message: 'x' } }))).toBe(
      'Interrupted when the server restarted',
    );
    expect(failureTitle('content_policy_violation')).toBe('The provider refused this prompt');
    expect(failureTitle('something_new')).toBe('Generation failed');
  });
});
