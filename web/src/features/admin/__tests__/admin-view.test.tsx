import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { makeAdminBudget, makeUsage } from '../../../testing/fixtures';
import { deferred, errorResponse, jsonResponse, mockFetch, type FetchHandler } from '../../../testing/mock-fetch';
import { renderWithProviders } from '../../../testing/test-utils';
import type { AdminUsageResponse } from '../../../types/api';
import { ADMIN_TOKEN_STORAGE_KEY } from '../admin-token';
import { AdminView, TOKEN_NO_LONGER_ACCEPTED } from '../components/admin-view';

const TOKEN = 'Adm1n-t0ken-for-the-tests-0123456';
const BUSY = makeUsage({
  days: {
    '2026-11-30': { images: 3, failures: 1, spentUsd: 0.25 },
    '2026-12-02': { images: 12, failures: 0, spentUsd: 0.93 },
  },
});

/** Answers /api/admin/usage with `usage` for TOKEN, 401 for any other token. */
function usageServer(usage: AdminUsageResponse | (() => Response) = BUSY): FetchHandler {
  return (request) => {
    if (!request.path.startsWith('/api/admin/usage')) return errorResponse(404, 'not_found', 'No such route.');
    if (request.headers.get('Authorization') !== `Bearer ${TOKEN}`) {
      return errorResponse(401, 'unauthorized', 'Deleting images needs Authorization: Bearer <admin token>.');
    }
    return typeof usage === 'function' ? usage() : jsonResponse(usage);
  };
}

function setup(handler: FetchHandler = usageServer()) {
  const api = mockFetch(handler);
  const onClose = vi.fn();
  return { api, onClose, ...renderWithProviders(<AdminView onClose={onClose} />) };
}

async function signIn(user: ReturnType<typeof setup>['user'], token = TOKEN) {
  await user.type(screen.getByLabelText('Admin token'), token);
  await user.click(screen.getByRole('button', { name: 'Sign in' }));
}

describe('AdminView sign-in', () => {
  it('asks for the token in a password field that is focused and never submitted by name', () => {
    setup();
    const field = screen.getByLabelText('Admin token');
    expect(field).toHaveAttribute('type', 'password');
    expect(field).not.toHaveAttribute('name');
    expect(field).toHaveAttribute('autocomplete', 'off');
    expect(field).toHaveFocus();
  });

  it('checks the token with the server, then keeps it in sessionStorage only', async () => {
    const { user, api } = setup();
    await signIn(user);

    expect(await screen.findByRole('button', { name: 'Sign out' })).toBeInTheDocument();
    const [first] = api.to('/api/admin/usage');
    expect(first?.headers.get('Authorization')).toBe(`Bearer ${TOKEN}`);
    expect(first?.query.get('days')).toBe('30');
    expect(first?.url).not.toContain(TOKEN);

    expect(window.sessionStorage.getItem(ADMIN_TOKEN_STORAGE_KEY)).toBe(TOKEN);
    expect(window.localStorage.length).toBe(0);
    expect(document.cookie).toBe('');
    expect(window.location.href).not.toContain(TOKEN);
    expect(document.body.innerHTML).not.toContain(TOKEN);
    expect(screen.getByRole('heading', { name: 'Admin' })).toHaveFocus();
  });

  it('sign-out removes the token from the tab and asks again', async () => {
    const { user } = setup();
    await signIn(user);
    await user.click(await screen.findByRole('button', { name: 'Sign out' }));

    expect(window.sessionStorage.getItem(ADMIN_TOKEN_STORAGE_KEY)).toBeNull();
    expect(window.sessionStorage.length).toBe(0);
    expect(window.localStorage.length).toBe(0);
    expect(await screen.findByLabelText('Admin token')).toHaveValue('');
    expect(screen.queryByTestId('usage-chart')).not.toBeInTheDocument();
    expect(await screen.findByText(/Signed out/)).toBeInTheDocument();
  });

  it('says when the token is wrong (401) and keeps nothing', async () => {
    const { user } = setup();
    await signIn(user, 'not-the-token');

    expect(await screen.findByRole('alert')).toHaveTextContent('That token is not valid');
    expect(screen.getByLabelText('Admin token')).toHaveAttribute('aria-invalid', 'true');
    expect(screen.getByLabelText('Admin token')).toHaveFocus();
    expect(window.sessionStorage.length).toBe(0);
    expect(screen.queryByRole('button', { name: 'Sign out' })).not.toBeInTheDocument();
  });

  it('says when the server has no admin token configured (403)', async () => {
    const { user } = setup(() =>
      errorResponse(403, 'forbidden', 'Deleting images is disabled: no admin token is configured.'),
    );
    await signIn(user);

    expect(await screen.findByRole('alert')).toHaveTextContent(
      'This server has no admin token configured (VISIONARY_ADMIN_TOKEN)',
    );
    expect(window.sessionStorage.length).toBe(0);
  });

  it('asks for a token before asking the server', async () => {
    const { user, api } = setup();
    await user.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByRole('alert')).toHaveTextContent('Enter the admin token.');
    expect(api.requests).toHaveLength(0);
  });

  it('Cancel goes back to the gallery', async () => {
    const { user, onClose } = setup();
    await user.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(onClose).toHaveBeenCalledTimes(1);
  });

  it('opens straight on the usage when this tab is signed in already', async () => {
    window.sessionStorage.setItem(ADMIN_TOKEN_STORAGE_KEY, TOKEN);
    setup();
    expect(await screen.findByTestId('usage-chart')).toBeInTheDocument();
    expect(screen.queryByLabelText('Admin token')).not.toBeInTheDocument();
  });

  it('asks again when the server stops accepting the token', async () => {
    window.sessionStorage.setItem(ADMIN_TOKEN_STORAGE_KEY, 'an-old-token');
    setup();
    expect(await screen.findByText(TOKEN_NO_LONGER_ACCEPTED)).toBeInTheDocument();
    expect(screen.getByLabelText('Admin token')).toBeInTheDocument();
    expect(window.sessionStorage.length).toBe(0);
  });
});

describe('AdminView usage', () => {
  async function signedIn(handler?: FetchHandler) {
    window.sessionStorage.setItem(ADMIN_TOKEN_STORAGE_KEY, TOKEN);
    return setup(handler);
  }

  it('shows today’s budget: spent of the limit, reserved, left and the reset', async () => {
    await signedIn();
    const card = await screen.findByTestId('budget-card');
    expect(within(card).getByTestId('budget-spent')).toHaveTextContent('$0.93 of $5.00 spent');
    expect(within(card).getByTestId('budget-reserved')).toHaveTextContent('$0.28');
    expect(within(card).getByTestId('budget-left')).toHaveTextContent('$3.79');
    expect(within(card).getByTestId('budget-state')).toHaveTextContent('Open');
    expect(within(card).getByRole('meter', { name: 'Today’s budget used' })).toHaveAttribute('aria-valuenow', '0.93');
    const reset = new Date('2026-12-03T00:00:00Z').toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
    expect(within(card).getByTestId('budget-reset')).toHaveTextContent(`Resets at ${reset}.`);
  });

  it('shows an exhausted budget and until when generating is refused', async () => {
    await signedIn(usageServer({ ...BUSY, budget: makeAdminBudget({ spentUsd: 5.01, reservedUsd: 0, exhausted: true }) }));
    const card = await screen.findByTestId('budget-card');
    expect(within(card).getByTestId('budget-state')).toHaveTextContent('Exhausted');
    expect(within(card).getByTestId('budget-left')).toHaveTextContent('$0.00');
    expect(within(card).getByTestId('budget-reset')).toHaveTextContent(/new generations are refused until/);
  });

  it('says so when the server has no spending budget', async () => {
    await signedIn(usageServer({ ...BUSY, budget: null }));
    const card = await screen.findByTestId('budget-card');
    expect(card).toHaveTextContent('No spending budget');
    expect(within(card).queryByRole('meter')).not.toBeInTheDocument();
    // The usage itself is still there.
    expect(screen.getByTestId('usage-chart')).toBeInTheDocument();
  });

  it('totals the period and breaks it down by model', async () => {
    const usage = makeUsage({
      days: {
        '2026-11-30': {
          images: 3,
          failures: 1,
          spentUsd: 0.24,
          models: { 'dall-e-3': { images: 3, failures: 1, spentUsd: 0.24 } },
        },
        '2026-12-02': {
          images: 12,
          spentUsd: 0.93,
          models: {
            'gpt-image-1': { images: 10, failures: 0, spentUsd: 0.5 },
            'dall-e-3': { images: 2, failures: 0, spentUsd: 0.43 },
          },
        },
      },
    });
    await signedIn(usageServer(usage));
    expect(await screen.findByTestId('total-spent')).toHaveTextContent('$1.17');
    expect(screen.getByTestId('total-images')).toHaveTextContent('15');
    expect(screen.getByTestId('total-failures')).toHaveTextContent('1');
    expect(screen.getByTestId('total-active-days')).toHaveTextContent('2 / 30');

    const table = screen.getByRole('table', { name: /per model/ });
    const rows = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => Array.from(row.querySelectorAll('th, td'), (cell) => cell.textContent));
    expect(rows).toEqual([
      ['dall-e-3', '5', '1', '$0.67', '57%'],
      ['gpt-image-1', '10', '0', '$0.50', '43%'],
    ]);
  });

  it('draws one bar per day of the period', async () => {
    await signedIn();
    await screen.findByTestId('usage-chart');
    expect(screen.getAllByTestId('spend-bar')).toHaveLength(30);
    expect(screen.getByRole('img', { name: /over the last 30 days: \$1\.18 spent on 15 images/ })).toBeInTheDocument();
  });

  it('switches the period', async () => {
    const { user, api } = await signedIn((request) =>
      jsonResponse(makeUsage({ count: Number(request.query.get('days')) })),
    );
    await screen.findByText('No generations in the last 30 days');
    await user.click(screen.getByRole('button', { name: '7 days' }));
    expect(await screen.findByText('No generations in the last 7 days')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: '7 days' })).toHaveAttribute('aria-pressed', 'true');
    expect(api.requests.map((r) => r.query.get('days'))).toContain('7');
  });

  it('has an empty state for a period without generations, with the budget still shown', async () => {
    await signedIn(usageServer(makeUsage({ budget: null })));
    expect(await screen.findByText('No generations in the last 30 days')).toBeInTheDocument();
    expect(screen.getByTestId('budget-card')).toHaveTextContent('No spending budget');
    expect(screen.queryByTestId('usage-chart')).not.toBeInTheDocument();
  });

  it('shows a loading state until the usage arrives', async () => {
    const held = deferred<Response>();
    await signedIn(() => held.promise);
    expect(screen.getByRole('status')).toHaveTextContent('Loading usage…');
    held.resolve(jsonResponse(BUSY));
    expect(await screen.findByTestId('usage-chart')).toBeInTheDocument();
    expect(screen.queryByText('Loading usage…')).not.toBeInTheDocument();
  });

  it('shows an error with a retry when the usage cannot be loaded', async () => {
    let fail = true;
    const { user } = await signedIn(() =>
      fail ? errorResponse(500, 'internal_error', 'The ledger could not be read.') : jsonResponse(BUSY),
    );
    const alert = await screen.findByTestId('usage-error');
    expect(alert).toHaveTextContent('The usage could not be loaded.');
    expect(alert).toHaveTextContent('The ledger could not be read.');
    // A server error is not a refused token: the tab stays signed in.
    expect(window.sessionStorage.getItem(ADMIN_TOKEN_STORAGE_KEY)).toBe(TOKEN);
    fail = false;
    await user.click(within(alert).getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(screen.getByTestId('usage-chart')).toBeInTheDocument());
  });
});
