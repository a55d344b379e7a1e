import '@testing-library/jest-dom/vitest';
import { act, cleanup } from '@testing-library/react';
import toast from 'react-hot-toast';
import { afterEach, beforeEach, vi, type MockInstance } from 'vitest';

let consoleError: MockInstance<typeof console.error>;

beforeEach(() => {
  // React reports key warnings and act() problems through console.error: any of them fails the test.
  consoleError = vi.spyOn(console, 'error');

  // jsdom has no matchMedia; react-hot-toast asks it about prefers-reduced-motion.
  vi.stubGlobal(
    'matchMedia',
    vi.fn((query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addEventListener: vi.fn(),
      removeEventListener: vi.fn(),
      addListener: vi.fn(),
      removeListener: vi.fn(),
      dispatchEvent: vi.fn(() => false),
    })),
  );
});

afterEach(() => {
  cleanup();
  // react-hot-toast keeps its toasts in module state: start every test with none.
  act(() => toast.remove());
  document.body.style.overflow = '';
  // The admin token lives in sessionStorage: no test sees another's.
  window.sessionStorage.clear();
  window.localStorage.clear();
  const calls = consoleError.mock.calls;
  if (calls.length > 0) {
    throw new Error(`console.error was called:\n${calls.map((args) => args.map(String).join(' ')).join('\n')}`);
  }
});
