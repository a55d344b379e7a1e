import { describe, expect, it, vi } from 'vitest';
import { JOBS_STORAGE_KEY, loadStoredJobs, saveStoredJobs } from '../job-storage';

describe('job storage (sessionStorage)', () => {
  it('keeps ids with their requests, newest first, and removes the key when empty', () => {
    saveStoredJobs([
      { id: 'b', request: { prompt: 'second', n: 2 } },
      { id: 'a', request: { prompt: 'first', size: '1024x1024' } },
    ]);
    expect(loadStoredJobs()).toEqual([
      { id: 'b', request: { prompt: 'second', n: 2 } },
      { id: 'a', request: { prompt: 'first', size: '1024x1024' } },
    ]);
    saveStoredJobs([]);
    expect(window.sessionStorage.getItem(JOBS_STORAGE_KEY)).toBeNull();
  });

  it('skips what it cannot read instead of failing', () => {
    window.sessionStorage.setItem(JOBS_STORAGE_KEY, '{not json');
    expect(loadStoredJobs()).toEqual([]);
    window.sessionStorage.setItem(
      JOBS_STORAGE_KEY,
      JSON.stringify([{ id: 'ok', request: { prompt: 'p' } }, { id: 'ok', request: { prompt: 'again' } }, { id: 3 }, { id: 'x', request: { prompt: 1 } }]),
    );
    expect(loadStoredJobs()).toEqual([{ id: 'ok', request: { prompt: 'p' } }]);
  });

  it('does not throw when storage refuses to write', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    expect(() => saveStoredJobs([{ id: 'a', request: { prompt: 'p' } }])).not.toThrow();
  });
});
