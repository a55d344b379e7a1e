import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { makeConfig, makeImage, makeQuota } from '../../../../testing/fixtures';
import {
  deferred,
  errorResponse,
  jsonResponse,
  mockFetch,
  type FetchHandler,
} from '../../../../testing/mock-fetch';
import { renderWithProviders } from '../../../../testing/test-utils';
import { ApiError } from '../../../../lib/api-client';
import type { ConfigResponse, GenerateImageRequest } from '../../../../types/api';
import { PromptForm, suggestionSourceText, THINKING_PLACEHOLDER, thinkingText } from '../prompt-form';

const SUGGESTION = 'A lighthouse on a cliff at dusk, watercolor';

function setup({
  config = makeConfig(),
  generate = () => jsonResponse({ images: [makeImage({ id: 'new-1' })] }, 201),
  suggestion = () => jsonResponse({ suggestion: SUGGESTION }),
  quota = () => errorResponse(404, 'not_found', 'No such route.'),
}: {
  /** `null`: the config has not loaded. */
  config?: ConfigResponse | null;
  generate?: FetchHandler;
  suggestion?: FetchHandler;
  /** `GET /api/quota`; by default a server without it. */
  quota?: FetchHandler;
} = {}) {
  const api = mockFetch((request) => {
    if (request.path === '/api/suggestion') return suggestion(request);
    if (request.path === '/api/quota') return quota(request);
    if (request.path === '/api/generateImage' && request.method === 'POST') return generate(request);
    return errorResponse(404, 'not_found', 'No such route.');
  });
  const onGenerated = vi.fn();
  const view = renderWithProviders(<PromptForm config={config ?? undefined} onGenerated={onGenerated} />);
  const textbox = screen.getByRole('textbox', { name: /describe the image/i });
  const generateButton = screen.getByRole('button', { name: /^generate$/i });
  return { api, onGenerated, textbox, generateButton, ...view };
}

describe('PromptForm: enabling rules', () => {
  it('has a visibly labelled textarea and disables Generate while the prompt is empty', () => {
    const { textbox, generateButton } = setup();
    expect(textbox.tagName).toBe('TEXTAREA');
    expect(screen.getByText('Describe the image you want')).toBeVisible();
    expect(generateButton).toBeDisabled();
  });

  it('keeps Generate disabled for whitespace only and enables it for text', async () => {
    const { user, textbox, generateButton } = setup();
    await user.type(textbox, '   ');
    expect(generateButton).toBeDisabled();
    await user.type(textbox, 'a red fox');
    expect(generateButton).toBeEnabled();
  });

  it('shows the counter only near the limit and disables Generate over it, in red', async () => {
    const config = makeConfig({ limits: { ...makeConfig().limits, promptMaxChars: 20 } });
    const { textbox, generateButton } = setup({ config });

    fireEvent.change(textbox, { target: { value: 'x'.repeat(16) } }); // 80 %: not yet
    expect(screen.queryByTestId('char-counter')).not.toBeInTheDocument();
    expect(generateButton).toBeEnabled();

    fireEvent.change(textbox, { target: { value: 'x'.repeat(17) } });
    expect(screen.getByTestId('char-counter')).toHaveTextContent('17 / 20');
    expect(screen.getByTestId('char-counter')).not.toHaveClass('text-red-700');
    expect(generateButton).toBeEnabled();

    fireEvent.change(textbox, { target: { value: 'x'.repeat(23) } });
    const counter = screen.getByTestId('char-counter');
    expect(counter).toHaveTextContent('23 / 20 — 3 over the limit');
    expect(counter).toHaveClass('text-red-700');
    expect(textbox).toHaveAttribute('aria-invalid', 'true');
    expect(generateButton).toBeDisabled();
  });

  it('counts emoji as one character each', () => {
    const config = makeConfig({ limits: { ...makeConfig().limits, promptMaxChars: 10 } });
    const { textbox, generateButton } = setup({ config });
    fireEvent.change(textbox, { target: { value: '🦊'.repeat(10) } });
    expect(screen.getByTestId('char-counter')).toHaveTextContent('10 / 10');
    expect(generateButton).toBeEnabled();
  });

  it('disables Generate while a generation is running', async () => {
    const pending = deferred<Response>();
    const { user, textbox, generateButton, api } = setup({ generate: () => pending.promise });
    await user.type(textbox, 'a red fox');
    await user.click(generateButton);
    expect(await screen.findByRole('button', { name: /generating/i })).toBeDisabled();
    // A second Enter while it runs sends nothing.
    await user.type(textbox, '{Enter}');
    expect(api.to('/api/generateImage')).toHaveLength(1);

    pending.resolve(jsonResponse({ images: [makeImage()] }, 201));
    expect(await screen.findByRole('button', { name: /^generate$/i })).toBeDisabled(); // cleared prompt
  });
});

describe('PromptForm: submitting', () => {
  it('submits on Enter with the trimmed prompt and the default options', async () => {
    const { user, textbox, api } = setup();
    await user.type(textbox, '  A red fox. Oil painting_with #hash?  {Enter}');
    await waitFor(() => expect(api.to('/api/generateImage')).toHaveLength(1));
    expect(api.to('/api/generateImage')[0]?.body).toEqual({
      prompt: 'A red fox. Oil painting_with #hash?',
      size: '1024x1024',
      quality: 'auto',
      style: 'vivid',
      n: 1,
    });
  });

  it('sends a fresh Idempotency-Key with every submit', async () => {
    const { user, textbox, api } = setup();
    await user.type(textbox, 'first fox{Enter}');
    await waitFor(() => expect(api.to('/api/generateImage')).toHaveLength(1));
    await user.type(textbox, 'second fox{Enter}');
    await waitFor(() => expect(api.to('/api/generateImage')).toHaveLength(2));
    const keys = api.to('/api/generateImage').map((r) => r.headers.get('Idempotency-Key'));
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[0]).not.toEqual(keys[1]);
  });

  it('inserts a newline on Shift+Enter and sends nothing', async () => {
    const { user, textbox, api } = setup();
    await user.type(textbox, 'line one{Shift>}{Enter}{/Shift}line two');
    expect(textbox).toHaveValue('line one\nline two');
    expect(api.to('/api/generateImage')).toHaveLength(0);
  });

  it('on 201: replaces the loading toast with a success toast, clears the prompt, reports the images', async () => {
    const pending = deferred<Response>();
    const image = makeImage({ id: 'fresh' });
    const { user, textbox, onGenerated } = setup({ generate: () => pending.promise });
    const prompt = 'An astronaut riding a horse through a neon city at night, cinematic';
    await user.type(textbox, `${prompt}{Enter}`);

    expect(await screen.findByText('Generating “An astronaut riding a horse through a ne…”')).toBeInTheDocument();
    expect(screen.queryByText(/has been generated/i)).not.toBeInTheDocument();

    pending.resolve(jsonResponse({ images: [image] }, 201));
    expect(await screen.findByText('Your image has been generated!')).toBeInTheDocument();
    expect(screen.queryByText(/^Generating “/)).not.toBeInTheDocument();
    expect(textbox).toHaveValue('');
    expect(onGenerated).toHaveBeenCalledWith([image]);
  });

  it('on a content-policy refusal: shows the server message, never success, keeps the prompt', async () => {
    const { user, textbox, onGenerated } = setup({
      generate: () =>
        errorResponse(422, 'content_policy_violation', 'Your prompt was refused by the provider: violence.'),
    });
    await user.type(textbox, 'something refused{Enter}');

    expect(await screen.findByText('Your prompt was refused by the provider: violence.')).toBeInTheDocument();
    expect(screen.queryByText(/has been generated/i)).not.toBeInTheDocument();
    expect(textbox).toHaveValue('something refused');
    expect(onGenerated).not.toHaveBeenCalled();
    expect(screen.getByRole('button', { name: /^generate$/i })).toBeEnabled();
  });

  it('on a rate limit: says when to try again, beside Generate', async () => {
    const { user, textbox } = setup({
      generate: () => errorResponse(429, 'rate_limited', 'The provider is rate limiting requests.', { retryAfterSeconds: 20 }),
    });
    await user.type(textbox, 'a fox{Enter}');
    await waitFor(() =>
      expect(screen.getByTestId('limit-notice')).toHaveTextContent(
        /^The provider is rate limiting requests\. Try again in (20|19) s\.$/,
      ),
    );
    expect(screen.queryByText(/has been generated/i)).not.toBeInTheDocument();
  });

  it('on provider down and on network failure: error toast, prompt kept', async () => {
    let mode: 'down' | 'offline' = 'down';
    const { user, textbox } = setup({
      generate: () =>
        mode === 'down'
          ? errorResponse(503, 'provider_unavailable', 'The image provider cannot be reached.')
          : Promise.reject(new TypeError('Failed to fetch')),
    });
    await user.type(textbox, 'a fox{Enter}');
    expect(await screen.findByText('The image provider cannot be reached.')).toBeInTheDocument();

    mode = 'offline';
    await user.type(textbox, '{Enter}');
    expect(await screen.findByText(/could not reach the visionaryai server/i)).toBeInTheDocument();
    expect(screen.queryByText(/has been generated/i)).not.toBeInTheDocument();
    expect(textbox).toHaveValue('a fox');
  });

  it('treats a 2xx other than 201 as a failure, even with images', async () => {
    const { user, textbox, onGenerated } = setup({
      generate: () => jsonResponse({ images: [makeImage()] }, 200),
    });
    await user.type(textbox, 'a fox{Enter}');
    expect(await screen.findByText(/could not be read/i)).toBeInTheDocument();
    expect(screen.queryByText(/has been generated/i)).not.toBeInTheDocument();
    expect(onGenerated).not.toHaveBeenCalled();
  });

  it('treats a 201 without images as a failure', async () => {
    const { user, textbox, onGenerated } = setup({ generate: () => jsonResponse({ ok: true }, 201) });
    await user.type(textbox, 'a fox{Enter}');
    expect(await screen.findByText(/could not be read/i)).toBeInTheDocument();
    expect(screen.queryByText(/has been generated/i)).not.toBeInTheDocument();
    expect(onGenerated).not.toHaveBeenCalled();
    expect(textbox).toHaveValue('a fox');
  });
});

describe('PromptForm: options from /api/config', () => {
  it('shows only the options the model supports, with their defaults', () => {
    setup({
      config: makeConfig({
        options: { size: { values: ['1024x1024', '1792x1024'], default: '1792x1024' }, n: { min: 1, max: 1, default: 1 } },
      }),
    });
    expect(screen.getByRole('combobox', { name: 'Size' })).toHaveValue('1792x1024');
    expect(screen.queryByRole('combobox', { name: 'Quality' })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Style' })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Images' })).not.toBeInTheDocument();
  });

  it('shows all selectors for a model with every option and sends the chosen values', async () => {
    const { user, textbox, api } = setup();
    expect(screen.getByRole('combobox', { name: 'Quality' })).toHaveValue('auto');
    expect(screen.getByRole('combobox', { name: 'Style' })).toHaveValue('vivid');
    const n = screen.getByRole('combobox', { name: 'Images' });
    expect(within(n).getAllByRole('option').map((o) => o.textContent)).toEqual(['1', '2', '3', '4']);

    await user.selectOptions(screen.getByRole('combobox', { name: 'Size' }), '1536x1024');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Style' }), 'natural');
    await user.selectOptions(n, '3');
    await user.type(textbox, 'a fox{Enter}');
    await waitFor(() => expect(api.to('/api/generateImage')).toHaveLength(1));
    expect(api.to('/api/generateImage')[0]?.body).toEqual({
      prompt: 'a fox',
      size: '1536x1024',
      quality: 'auto',
      style: 'natural',
      n: 3,
    });
  });

  it('shows no selectors and sends only the prompt before the config is known', async () => {
    const { user, textbox, api } = setup({ config: null });
    expect(screen.queryAllByRole('combobox')).toHaveLength(0);
    await user.type(textbox, 'a fox{Enter}');
    await waitFor(() => expect(api.to('/api/generateImage')).toHaveLength(1));
    expect(api.to('/api/generateImage')[0]?.body).toEqual({ prompt: 'a fox' });
  });
});

describe('PromptForm: suggestions', () => {
  it('shows "Thinking of a suggestion…" while loading, then the suggestion as placeholder', async () => {
    const pending = deferred<Response>();
    const { textbox } = setup({ suggestion: () => pending.promise });
    expect(textbox).toHaveAttribute('placeholder', THINKING_PLACEHOLDER);
    pending.resolve(jsonResponse({ suggestion: SUGGESTION }));
    await waitFor(() => expect(textbox).toHaveAttribute('placeholder', SUGGESTION));
  });

  it('"Use suggestion" submits the suggestion', async () => {
    const { user, api, textbox } = setup();
    await waitFor(() => expect(textbox).toHaveAttribute('placeholder', SUGGESTION));
    await user.click(screen.getByRole('button', { name: 'Use suggestion' }));
    await waitFor(() => expect(api.to('/api/generateImage')).toHaveLength(1));
    expect(api.to('/api/generateImage')[0]?.body).toMatchObject({ prompt: SUGGESTION });
    expect(await screen.findByText('Your image has been generated!')).toBeInTheDocument();
  });

  it('"New suggestion" fetches another one', async () => {
    const suggestions = ['First idea', 'Second idea'];
    let calls = 0;
    const { user, api, textbox } = setup({
      suggestion: () => jsonResponse({ suggestion: suggestions[calls++] ?? 'more' }),
    });
    await waitFor(() => expect(textbox).toHaveAttribute('placeholder', 'First idea'));
    await user.click(screen.getByRole('button', { name: 'New suggestion' }));
    await waitFor(() => expect(textbox).toHaveAttribute('placeholder', 'Second idea'));
    expect(api.to('/api/suggestion')).toHaveLength(2);
  });

  it('names the chat model that is thinking while a suggestion loads', async () => {
    const pending = deferred<Response>();
    const { textbox } = setup({
      config: makeConfig({ suggestionModel: 'gpt-4o-mini' }),
      suggestion: () => pending.promise,
    });
    expect(textbox).toHaveAttribute('placeholder', 'gpt-4o-mini is thinking of a suggestion…');
    expect(screen.queryByTestId('suggestion-source')).not.toBeInTheDocument();
    pending.resolve(jsonResponse({ suggestion: SUGGESTION, source: 'model', model: 'gpt-4o-mini' }));
    await waitFor(() => expect(textbox).toHaveAttribute('placeholder', SUGGESTION));
    expect(screen.getByTestId('suggestion-source')).toHaveTextContent('Suggested by gpt-4o-mini');
  });

  it('says "Thinking of a suggestion…" when no chat model is configured', () => {
    const pending = deferred<Response>();
    const { textbox } = setup({ config: makeConfig({ suggestionModel: null }), suggestion: () => pending.promise });
    expect(textbox).toHaveAttribute('placeholder', THINKING_PLACEHOLDER);
  });

  it('names the model of the last suggestion while the next one loads', async () => {
    const next = deferred<Response>();
    let calls = 0;
    const { user, textbox } = setup({
      suggestion: () =>
        calls++ === 0 ? jsonResponse({ suggestion: 'First idea', source: 'model', model: 'llama-3.2-3b' }) : next.promise,
    });
    await waitFor(() => expect(textbox).toHaveAttribute('placeholder', 'First idea'));
    await user.click(screen.getByRole('button', { name: 'New suggestion' }));
    await waitFor(() => expect(textbox).toHaveAttribute('placeholder', 'llama-3.2-3b is thinking of a suggestion…'));
    await user.type(textbox, 'a fox');
    expect(screen.getByText('llama-3.2-3b is thinking…')).toBeInTheDocument();
    next.resolve(jsonResponse({ suggestion: 'Second idea', source: 'offline' }));
    await waitFor(() => expect(screen.getByText('Second idea')).toBeInTheDocument());
    expect(screen.getByTestId('suggestion-source')).toHaveTextContent('Suggested from built-in ideas');
  });

  it('shows no source when the server does not say', async () => {
    const { textbox } = setup();
    await waitFor(() => expect(textbox).toHaveAttribute('placeholder', SUGGESTION));
    expect(screen.queryByTestId('suggestion-source')).not.toBeInTheDocument();
  });
});

describe('suggestion texts', () => {
  it('thinkingText names the model when there is one', () => {
    expect(thinkingText('gpt-4o-mini')).toBe('gpt-4o-mini is thinking of a suggestion…');
    expect(thinkingText(undefined)).toBe(THINKING_PLACEHOLDER);
    expect(thinkingText('')).toBe(THINKING_PLACEHOLDER);
  });

  it('suggestionSourceText reads only the values the server sends', () => {
    expect(suggestionSourceText('model', 'gpt-4o-mini')).toBe('Suggested by gpt-4o-mini');
    expect(suggestionSourceText('offline', undefined)).toBe('Suggested from built-in ideas');
    expect(suggestionSourceText('model', undefined)).toBeUndefined();
    expect(suggestionSourceText(undefined, 'gpt-4o-mini')).toBeUndefined();
    expect(suggestionSourceText('elsewhere', 'x')).toBeUndefined();
  });
});

describe('PromptForm: imperative handle', () => {
  it('fillPrompt puts the text in the textarea and focuses it', async () => {
    mockFetch(() => jsonResponse({ suggestion: SUGGESTION }));
    const ref = { current: null as null | import('../prompt-form').PromptFormHandle };
    renderWithProviders(<PromptForm ref={ref} config={makeConfig()} />);
    act(() => ref.current?.fillPrompt('A red fox. Oil painting_with #hash?'));
    const textbox = screen.getByRole('textbox', { name: /describe the image/i });
    expect(textbox).toHaveValue('A red fox. Oil painting_with #hash?');
    expect(textbox).toHaveFocus();
  });
});

/** The reset time as the user's clock shows it (the same format the form promises). */
function localTime(iso: string | number): string {
  return new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * A fake clock. `moving`: fake timers that also move with real time. Still (for exact
 * countdowns): only the clock and intervals are fake and only `advanceTimersByTime` moves them;
 * timeouts stay real, so fetches, toasts and `waitFor` work as usual.
 */
function useFakeClock(now: string, { moving = true } = {}) {
  if (moving) vi.useFakeTimers({ now: Date.parse(now), shouldAdvanceTime: true });
  else vi.useFakeTimers({ now: Date.parse(now), toFake: ['Date', 'setInterval', 'clearInterval'] });
}

/** Types a prompt and clicks Generate without userEvent's own timers. */
function generateWithoutTyping(textbox: HTMLElement, prompt: string) {
  fireEvent.change(textbox, { target: { value: prompt } });
  fireEvent.click(screen.getByRole('button', { name: /^generate$/i }));
}

const RESETS_AT = '2026-12-03T00:00:00Z';

/** The live region beside Generate that says why it is disabled (toasts have their own). */
function limitStatus(): HTMLElement {
  return within(screen.getByTestId('limit-notice')).getByRole('status');
}

describe('PromptForm: images left today', () => {
  it('says how many images are left, in the plural', async () => {
    setup({ quota: () => jsonResponse(makeQuota({ client: { imagesLeftToday: 97 } })) });
    expect(await screen.findByText('97 images left today')).toBeInTheDocument();
  });

  it('says "1 image left today" in the singular', async () => {
    setup({ quota: () => jsonResponse(makeQuota({ client: { imagesLeftToday: 1 } })) });
    expect(await screen.findByText('1 image left today')).toBeInTheDocument();
  });

  it('shows no count when the server sets no daily cap', async () => {
    const { api, generateButton, user, textbox } = setup({
      quota: () => jsonResponse(makeQuota({ client: { imagesLeftToday: null, maxInFlight: null } })),
    });
    await waitFor(() => expect(api.to('/api/quota')).toHaveLength(1));
    await act(async () => {});
    expect(screen.queryByTestId('images-left')).not.toBeInTheDocument();
    expect(screen.queryByText(/left today/)).not.toBeInTheDocument();
    await user.type(textbox, 'a fox');
    expect(generateButton).toBeEnabled();
    expect(generateButton).not.toHaveAttribute('aria-describedby');
  });

  it('refreshes the count after a generation, and after a failed one', async () => {
    let left = 3;
    let fail = false;
    const { user, textbox, api } = setup({
      quota: () => jsonResponse(makeQuota({ client: { imagesLeftToday: left } })),
      generate: () => {
        if (fail) return errorResponse(503, 'provider_unavailable', 'The image provider cannot be reached.');
        left -= 1;
        return jsonResponse({ images: [makeImage()] }, 201);
      },
    });
    expect(await screen.findByText('3 images left today')).toBeInTheDocument();
    await user.type(textbox, 'a fox{Enter}');
    expect(await screen.findByText('2 images left today')).toBeInTheDocument();
    expect(api.to('/api/quota')).toHaveLength(2);

    fail = true;
    await user.type(textbox, 'another fox{Enter}');
    expect(await screen.findByText('The image provider cannot be reached.')).toBeInTheDocument();
    await waitFor(() => expect(api.to('/api/quota')).toHaveLength(3));
    expect(screen.getByText('2 images left today')).toBeInTheDocument();
  });
});

describe('PromptForm: limits from the quota', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('disables Generate with the reset time when today\'s images are used up', async () => {
    const { user, textbox, generateButton, api } = setup({
      quota: () => jsonResponse(makeQuota({ client: { imagesLeftToday: 0, resetsAt: RESETS_AT } })),
    });
    await user.type(textbox, 'a fox');
    const reason = `You’ve made today’s images. More at ${localTime(RESETS_AT)}.`;
    await waitFor(() => expect(limitStatus()).toHaveTextContent(reason));
    expect(generateButton).toBeDisabled();
    expect(generateButton).toHaveAccessibleDescription(reason);
    expect(screen.getByRole('button', { name: 'Use suggestion' })).toBeDisabled();
    await user.type(textbox, '{Enter}');
    expect(api.to('/api/generateImage')).toHaveLength(0);
  });

  it('disables Generate with the reset time when the server\'s budget is used up', async () => {
    const { user, textbox, generateButton } = setup({
      quota: () =>
        jsonResponse(makeQuota({ client: { imagesLeftToday: 40 }, budget: { exhausted: true, resetsAt: RESETS_AT } })),
    });
    await user.type(textbox, 'a fox');
    const reason = `Today’s image budget on this server is used up. Generating starts again at ${localTime(RESETS_AT)}.`;
    await waitFor(() => expect(limitStatus()).toHaveTextContent(reason));
    expect(generateButton).toBeDisabled();
    expect(generateButton).toHaveAccessibleDescription(reason);
  });

  it('asks for the quota again once the day has started again', async () => {
    useFakeClock('2026-12-02T23:59:50Z');
    let left = 0;
    const { textbox, generateButton, api } = setup({
      quota: () => jsonResponse(makeQuota({ client: { imagesLeftToday: left, resetsAt: RESETS_AT } })),
    });
    fireEvent.change(textbox, { target: { value: 'a fox' } });
    await screen.findByText('0 images left today');
    expect(generateButton).toBeDisabled();

    left = 100;
    act(() => vi.advanceTimersByTime(15_000));
    expect(await screen.findByText('100 images left today')).toBeInTheDocument();
    expect(generateButton).toBeEnabled();
    expect(limitStatus()).toHaveTextContent('');
    expect(api.to('/api/quota')).toHaveLength(2);
  });

  it('asks for fewer images when more are chosen than are left', async () => {
    const { user, textbox, generateButton } = setup({
      quota: () => jsonResponse(makeQuota({ client: { imagesLeftToday: 2 } })),
    });
    await user.type(textbox, 'a fox');
    await screen.findByText('2 images left today');
    await user.selectOptions(screen.getByRole('combobox', { name: 'Images' }), '3');
    expect(limitStatus()).toHaveTextContent('Only 2 images left today. Choose fewer images.');
    expect(generateButton).toBeDisabled();
    await user.selectOptions(screen.getByRole('combobox', { name: 'Images' }), '2');
    expect(limitStatus()).toHaveTextContent('');
    expect(generateButton).toBeEnabled();
  });
});

describe('PromptForm: limit refusals (429)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('after daily_quota_exhausted: Generate disabled until the reset, the reason inline, no error toast', async () => {
    useFakeClock('2026-12-02T20:00:00Z');
    const serverMessage = 'You can make 0 more image(s) today (2 a day); the count starts again at 00:00 UTC.';
    const { textbox, generateButton, api } = setup({
      // A stale count: the refusal alone must be enough.
      quota: () => jsonResponse(makeQuota({ client: { imagesLeftToday: 5 } })),
      generate: () =>
        errorResponse(429, 'daily_quota_exhausted', serverMessage, {
          retryAfterSeconds: 4 * 3600,
          headers: { 'Retry-After': String(4 * 3600) },
        }),
    });
    await screen.findByText('5 images left today');
    generateWithoutTyping(textbox, 'a fox');

    const reason = `You’ve made today’s images. More at ${localTime(RESETS_AT)}.`;
    await waitFor(() => expect(limitStatus()).toHaveTextContent(reason));
    expect(generateButton).toBeDisabled();
    expect(generateButton).toHaveAccessibleDescription(reason);
    await waitFor(() => expect(screen.queryByText(/^Generating “/)).not.toBeInTheDocument());
    expect(screen.queryByText(serverMessage)).not.toBeInTheDocument();
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();
    expect(textbox).toHaveValue('a fox');
    expect(api.to('/api/quota')).toHaveLength(2); // refreshed after the refusal

    // Still refused an hour later; fine again once the day has started again.
    act(() => vi.advanceTimersByTime(3600 * 1000));
    expect(generateButton).toBeDisabled();
    act(() => vi.advanceTimersByTime(3 * 3600 * 1000));
    await waitFor(() => expect(generateButton).toBeEnabled());
    expect(limitStatus()).toHaveTextContent('');
  });

  it('after budget_exhausted: Generate disabled with the reset time', async () => {
    useFakeClock('2026-12-02T23:00:00Z');
    const { textbox, generateButton } = setup({
      generate: () =>
        errorResponse(429, 'budget_exhausted', 'Today\'s image budget on this server is used up; generating starts again at 00:00 UTC.', {
          retryAfterSeconds: 3600,
        }),
    });
    generateWithoutTyping(textbox, 'a fox');
    const reason = `Today’s image budget on this server is used up. Generating starts again at ${localTime(RESETS_AT)}.`;
    await waitFor(() => expect(limitStatus()).toHaveTextContent(reason));
    expect(generateButton).toBeDisabled();
    expect(generateButton).toHaveAccessibleDescription(reason);
  });

  it('after budget_exhausted while budget is left: says this request is too dear; other options may fit', async () => {
    useFakeClock('2026-12-02T23:00:00Z');
    const { textbox, generateButton } = setup({
      quota: () => jsonResponse(makeQuota({ budget: { exhausted: false, resetsAt: RESETS_AT } })),
      generate: () => errorResponse(429, 'budget_exhausted', 'Budget used up.', { retryAfterSeconds: 3600 }),
    });
    await screen.findByText('97 images left today');
    generateWithoutTyping(textbox, 'a fox');
    await waitFor(() =>
      expect(limitStatus()).toHaveTextContent(
        `What is left of today’s image budget on this server cannot cover this request. Try fewer or smaller images, or generate again at ${localTime(RESETS_AT)}.`,
      ),
    );
    expect(generateButton).toBeDisabled();
    fireEvent.change(screen.getByRole('combobox', { name: 'Quality' }), { target: { value: 'low' } });
    expect(limitStatus()).toHaveTextContent('');
    expect(generateButton).toBeEnabled();
  });

  it('after rate_limited: shows the server\'s message, counts down and re-enables Generate after retryAfterSeconds', async () => {
    useFakeClock('2026-12-02T12:00:00Z', { moving: false });
    const message = 'You are generating images faster than this server allows; wait a moment and try again.';
    let refuse = true;
    const { textbox, generateButton, api } = setup({
      generate: () =>
        refuse
          ? errorResponse(429, 'rate_limited', message, { retryAfterSeconds: 12 })
          : jsonResponse({ images: [makeImage()] }, 201),
    });
    generateWithoutTyping(textbox, 'a fox');
    const notice = screen.getByTestId('limit-notice');
    await waitFor(() => expect(notice).toHaveTextContent(`${message} Try again in 12 s.`));
    expect(limitStatus()).toHaveTextContent(message); // announced once, without the ticking seconds
    expect(generateButton).toBeDisabled();
    expect(generateButton).toHaveAccessibleDescription(`${message} Try again in 12 s.`);
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    act(() => vi.advanceTimersByTime(5000));
    expect(notice).toHaveTextContent('Try again in 7 s.');
    expect(generateButton).toBeDisabled();

    act(() => vi.advanceTimersByTime(6999));
    expect(notice).toHaveTextContent('Try again in 1 s.');
    expect(generateButton).toBeDisabled();
    act(() => vi.advanceTimersByTime(1));
    expect(generateButton).toBeEnabled();
    expect(notice).toHaveTextContent('');
    expect(generateButton).not.toHaveAttribute('aria-describedby');
    // One refusal, no toast left over: the loading toast went away, no error toast came.
    await waitFor(() => expect(screen.queryByText(/^Generating “/)).not.toBeInTheDocument());
    expect(screen.queryByRole('alert')).not.toBeInTheDocument();

    refuse = false;
    fireEvent.click(generateButton);
    expect(await screen.findByText('Your image has been generated!')).toBeInTheDocument();
    expect(api.to('/api/generateImage')).toHaveLength(2);
  });

  it('after too_many_in_flight: shows the server\'s message and waits retryAfterSeconds', async () => {
    useFakeClock('2026-12-02T12:00:00Z', { moving: false });
    const message = 'You already have 2 images being generated; wait for one to finish.';
    const { textbox, generateButton } = setup({
      generate: () => errorResponse(429, 'too_many_in_flight', message, { retryAfterSeconds: 2 }),
    });
    generateWithoutTyping(textbox, 'a fox');
    await waitFor(() => expect(screen.getByTestId('limit-notice')).toHaveTextContent(`${message} Try again in 2 s.`));
    expect(generateButton).toBeDisabled();
    act(() => vi.advanceTimersByTime(2000));
    expect(generateButton).toBeEnabled();
  });

  it('a rate limit without a retry time: the message inline, Generate stays enabled', async () => {
    const { user, textbox, generateButton } = setup({
      generate: () => errorResponse(429, 'rate_limited', 'The provider is rate limiting requests'),
    });
    await user.type(textbox, 'a fox{Enter}');
    await waitFor(() =>
      expect(limitStatus()).toHaveTextContent('The provider is rate limiting requests.'),
    );
    expect(generateButton).toBeEnabled();
    expect(screen.getByTestId('limit-notice')).not.toHaveTextContent(/Try again in/);
  });

  it('any other 429 stays an error toast', async () => {
    const { user, textbox } = setup({
      generate: () => errorResponse(429, 'http_error', 'Slow down.', { retryAfterSeconds: 3 }),
    });
    await user.type(textbox, 'a fox{Enter}');
    expect(await screen.findByText('Slow down. Try again in 3 s.')).toBeInTheDocument();
    expect(limitStatus()).toHaveTextContent('');
  });
});

describe('PromptForm: as a background job (startJob)', () => {
  function setupJobs(startJob: (request: GenerateImageRequest) => Promise<boolean>) {
    const api = mockFetch((request) => {
      if (request.path === '/api/suggestion') return jsonResponse({ suggestion: SUGGESTION });
      if (request.path === '/api/generateImage') return jsonResponse({ images: [makeImage({ id: 'sync' })] }, 201);
      return errorResponse(404, 'not_found', 'No such route.');
    });
    const onGenerated = vi.fn();
    const start = vi.fn(startJob);
    const view = renderWithProviders(<PromptForm config={makeConfig()} onGenerated={onGenerated} startJob={start} />);
    const textbox = screen.getByRole('textbox', { name: /describe the image/i });
    return { api, start, onGenerated, textbox, ...view };
  }

  it('hands the request over, says "Starting…" meanwhile, then is ready for the next prompt', async () => {
    const accepted = deferred<boolean>();
    const { user, textbox, start, api } = setupJobs(() => accepted.promise);
    await user.type(textbox, '  a fox{Enter}');
    expect(start).toHaveBeenCalledWith({ prompt: 'a fox', size: '1024x1024', quality: 'auto', style: 'vivid', n: 1 });
    expect(screen.getByRole('button', { name: 'Starting…' })).toBeDisabled();

    await act(async () => accepted.resolve(true));
    expect(textbox).toHaveValue('');
    await user.type(textbox, 'a second fox');
    expect(screen.getByRole('button', { name: /^generate$/i })).toBeEnabled();
    // No waiting toast and no success toast: the job's tile says how it goes.
    expect(screen.queryByText(/^Generating “/)).not.toBeInTheDocument();
    expect(screen.queryByText(/has been generated/)).not.toBeInTheDocument();
    expect(api.to('/api/generateImage')).toHaveLength(0);
  });

  it('a refusal is a toast, but a limit refusal is shown beside Generate; the prompt is kept', async () => {
    let refusal = errorResponseError(503, 'queue_full', 'The queue is full; try again in a minute.');
    const { user, textbox } = setupJobs(() => Promise.reject(refusal));
    await user.type(textbox, 'a fox{Enter}');
    expect(await screen.findByText('The queue is full; try again in a minute.')).toBeInTheDocument();
    expect(textbox).toHaveValue('a fox');

    refusal = errorResponseError(429, 'rate_limited', 'Slow down a little.', 12);
    await user.type(textbox, '{Enter}');
    await waitFor(() =>
      expect(screen.getByTestId('limit-notice')).toHaveTextContent(/^Slow down a little\. Try again in (12|11) s\.$/),
    );
    expect(screen.getAllByText(/Slow down a little/)).toHaveLength(1); // beside Generate, no toast
    expect(screen.getByRole('button', { name: /^generate$/i })).toBeDisabled();
    expect(textbox).toHaveValue('a fox');
  });

  it('falls back to generating and waiting when the server has no jobs API', async () => {
    const { user, textbox, start, onGenerated, api } = setupJobs(() => Promise.resolve(false));
    await user.type(textbox, 'a fox{Enter}');
    expect(await screen.findByText('Your image has been generated!')).toBeInTheDocument();
    expect(start).toHaveBeenCalledTimes(1);
    expect(api.to('/api/generateImage')).toHaveLength(1);
    expect(onGenerated).toHaveBeenCalledWith([expect.objectContaining({ id: 'sync' })]);
    expect(textbox).toHaveValue('');
  });
});

function errorResponseError(status: number, code: string, message: string, retryAfterSeconds?: number): ApiError {
  return new ApiError({ status, code, message, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) });
}
