import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeConfig, makeImage, makeImages, makeMenuConfig } from '../../testing/fixtures';
import { errorResponse, jsonResponse, mockFetch } from '../../testing/mock-fetch';
import { renderWithProviders } from '../../testing/test-utils';
import { App } from '../app';

function setup({ existing = makeImages(3, 'old'), config = makeConfig() } = {}) {
  const generated = [makeImage({ id: 'gen-2', prompt: 'A red fox. Oil painting' }), makeImage({ id: 'gen-1', prompt: 'A red fox. Oil painting' })];
  const api = mockFetch((request) => {
    if (request.path === '/api/config') return jsonResponse(config);
    if (request.path === '/api/suggestion') return jsonResponse({ suggestion: 'A lighthouse at dusk' });
    if (request.path.startsWith('/api/getImages')) return jsonResponse({ imageUrls: existing, nextCursor: null });
    if (request.path === '/api/generateImage') return jsonResponse({ images: generated }, 201);
    return errorResponse(404, 'not_found', 'No such route.');
  });
  return { api, generated, ...renderWithProviders(<App />) };
}

function galleryImages(): string[] {
  const list = screen.getByRole('list', { name: 'Generated images' });
  return within(list)
    .getAllByRole('img')
    .map((img) => img.getAttribute('alt') ?? '');
}

describe('App', () => {
  it('shows the provider, model and offline badge from /api/config', async () => {
    setup();
    expect(await screen.findByTestId('offline-badge')).toHaveTextContent('not an AI model');
    expect(screen.getByTestId('provider-model')).toHaveTextContent('procedural-v1');
  });

  it('puts generated images first at once, without re-fetching the gallery', async () => {
    const { user, api } = setup();
    await screen.findByRole('img', { name: 'old prompt 1' });
    await screen.findByRole('combobox', { name: 'Images' });
    await user.selectOptions(screen.getByRole('combobox', { name: 'Images' }), '2');
    await user.type(screen.getByRole('textbox', { name: /describe the image/i }), 'A red fox. Oil painting{Enter}');

    expect(await screen.findByText('Your 2 images have been generated!')).toBeInTheDocument();
    await waitFor(() => expect(galleryImages()).toHaveLength(5));
    const list = screen.getByRole('list', { name: 'Generated images' });
    const items = within(list).getAllByRole('listitem');
    expect(items[0]).toHaveAttribute('data-image-id', 'gen-2');
    expect(items[1]).toHaveAttribute('data-image-id', 'gen-1');
    expect(items[2]).toHaveAttribute('data-image-id', 'old-1');
    expect(api.to('/api/getImages')).toHaveLength(1);
  });

  it('replaces the empty state with the first generated image', async () => {
    const { user } = setup({ existing: [] });
    await user.click(await screen.findByRole('button', { name: 'Write your first prompt' }));
    const textbox = screen.getByRole('textbox', { name: /describe the image/i });
    expect(textbox).toHaveFocus();
    await user.type(textbox, 'first{Enter}');
    await waitFor(() => expect(galleryImages()).toHaveLength(2));
    expect(screen.queryByText('No images yet')).not.toBeInTheDocument();
  });

  it('"Use prompt" in the dialog fills the prompt box and focuses it', async () => {
    const { user } = setup({ existing: [makeImage({ id: 'x', prompt: 'A cat. Oil painting_by #night' })] });
    await user.click(await screen.findByRole('button', { name: 'A cat. Oil painting_by #night' }));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Use prompt' }));
    const textbox = screen.getByRole('textbox', { name: /describe the image/i });
    await waitFor(() => expect(textbox).toHaveFocus());
    expect(textbox).toHaveValue('A cat. Oil painting_by #night');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('"Use these settings" in the dialog fills the form with the model, prompt and every setting', async () => {
    const image = makeImage({
      id: 'sd',
      prompt: 'A castle at dawn',
      model: 'automatic1111',
      settings: { model: 'automatic1111', size: '640x448', seed: 42, steps: 35, sampler: 'Euler a', negative_prompt: 'fog' },
    });
    const { api } = setup({ existing: [image], config: makeMenuConfig() });
    await screen.findByLabelText('Model');
    fireEvent.click(await screen.findByRole('button', { name: 'A castle at dawn' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Use these settings' }));

    const textbox = screen.getByRole('textbox', { name: /describe the image/i });
    await waitFor(() => expect(textbox).toHaveFocus());
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(textbox).toHaveValue('A castle at dawn');
    expect(screen.getByLabelText('Model')).toHaveValue('automatic1111');
    expect(screen.getByLabelText('Seed')).toHaveValue('42');

    fireEvent.click(screen.getByRole('button', { name: /^generate$/i }));
    await waitFor(() => expect(api.to('/api/generateImage')).toHaveLength(1));
    expect(api.to('/api/generateImage')[0]?.body).toEqual({
      prompt: 'A castle at dawn',
      model: 'automatic1111',
      size: '640x448',
      n: 1,
      negative_prompt: 'fog',
      seed: 42,
      steps: 35,
      cfg_scale: 7,
      sampler: 'Euler a',
    });
  });

  it('the header’s Admin button opens the admin view; Back returns with the prompt kept', async () => {
    const { user } = setup();
    const textbox = await screen.findByRole('textbox', { name: /describe the image/i });
    await user.type(textbox, 'half a prompt');
    const admin = screen.getByRole('button', { name: 'Admin' });
    expect(admin).toHaveAttribute('aria-pressed', 'false');

    await user.click(admin);
    expect(admin).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByRole('heading', { name: 'Admin' })).toBeInTheDocument();
    expect(screen.getByLabelText('Admin token')).toHaveFocus();
    expect(screen.queryByRole('textbox', { name: /describe the image/i })).not.toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Back to the gallery' }));
    expect(screen.queryByRole('heading', { name: 'Admin' })).not.toBeInTheDocument();
    expect(screen.getByRole('textbox', { name: /describe the image/i })).toHaveValue('half a prompt');
    expect(admin).toHaveFocus();
  });
});
