import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { makeConfig, makeImage } from '../../../../testing/fixtures';
import {
  deferred,
  errorResponse,
  jsonResponse,
  mockFetch,
  type FetchHandler,
} from '../../../../testing/mock-fetch';
import { renderWithProviders } from '../../../../testing/test-utils';
import type { ConfigResponse } from '../../../../types/api';
import { PromptForm, THINKING_PLACEHOLDER } from '../prompt-form';

const SUGGESTION = 'A lighthouse on a cliff at dusk, watercolor';

function setup({
  config = makeConfig(),
  generate = () => jsonResponse({ images: [makeImage({ id: 'new-1' })] }, 201),
  suggestion = () => jsonResponse({ suggestion: SUGGESTION }),
}: {
  /** `null`: the config has not loaded. */
  config?: ConfigResponse | null;
  generate?: FetchHandler;
  suggestion?: FetchHandler;
} = {}) {
  const api = mockFetch((request) => {
    if (request.path === '/api/suggestion') return suggestion(request);
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

  it('on a rate limit: says when to try again', async () => {
    const { user, textbox } = setup({
      generate: () => errorResponse(429, 'rate_limited', 'The provider is rate limiting requests.', { retryAfterSeconds: 20 }),
    });
    await user.type(textbox, 'a fox{Enter}');
    expect(
      await screen.findByText('The provider is rate limiting requests. Try again in 20 s.'),
    ).toBeInTheDocument();
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
