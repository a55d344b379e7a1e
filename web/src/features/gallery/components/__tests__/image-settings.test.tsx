import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { makeImage } from '../../../../testing/fixtures';
import { errorResponse, jsonResponse, mockFetch } from '../../../../testing/mock-fetch';
import { renderWithProviders } from '../../../../testing/test-utils';
import type { Image } from '../../../../types/api';
import { settingRows } from '../../settings-list';
import { Gallery } from '../gallery';

// Dialog scripts with many role queries: more than the default 5 s on a busy shared machine.
vi.setConfig({ testTimeout: 15_000 });

const engineImage = makeImage({
  id: 'engine',
  prompt: 'A castle at dawn',
  provider: 'automatic1111',
  model: 'automatic1111',
  width: 640,
  height: 448,
  contentType: 'image/png',
  settings: {
    model: 'automatic1111',
    size: '640x448',
    negative_prompt: 'blurry, text',
    seed: 987654321,
    steps: 35,
    cfg_scale: 8.5,
    sampler: 'DPM++ 2M',
    checkpoint: 'v1-5-pruned.safetensors',
  },
});
const gptImage = makeImage({
  id: 'gpt',
  prompt: 'A glass of water',
  provider: 'openai',
  model: 'gpt-image-1',
  settings: {
    model: 'gpt-image-1',
    size: 'auto',
    quality: 'high',
    background: 'transparent',
    output_format: 'webp',
    output_compression: 70,
    moderation: 'low',
  },
});
const edited = makeImage({ id: 'edited', prompt: 'The castle, at night', parentId: 'engine' });
const editedFromElsewhere = makeImage({ id: 'edited-2', prompt: 'An older edit', parentId: 'far-away' });
const farAway = makeImage({ id: 'far-away', prompt: 'An image beyond the first page' });

function setup({ images = [edited, editedFromElsewhere, engineImage, gptImage], onUseSettings = vi.fn() } = {}) {
  const api = mockFetch((request) => {
    if (request.path.startsWith('/api/getImages')) return jsonResponse({ imageUrls: images, nextCursor: null });
    if (request.path === '/api/images/far-away') return jsonResponse(farAway);
    return errorResponse(404, 'not_found', 'No such image.');
  });
  const view = renderWithProviders(<Gallery onUsePrompt={vi.fn()} onUseSettings={onUseSettings} />);
  const open = async (prompt: string) => {
    const list = await screen.findByRole('list', { name: 'Generated images' });
    fireEvent.click(await within(list).findByRole('button', { name: prompt }));
    return screen.getByRole('dialog');
  };
  return { api, onUseSettings, open, ...view };
}

/** The settings list as [term, definition] pairs. */
function settingsOf(dialog: HTMLElement): Array<[string, string]> {
  const settings = within(dialog).getByTestId('image-settings');
  const terms = within(settings).getAllByRole('term').map((t) => t.textContent ?? '');
  const values = within(settings).getAllByRole('definition').map((d) => d.textContent ?? '');
  return terms.map((term, i) => [term, values[i] ?? '']);
}

describe('Image details: settings', () => {
  it('lists every engine setting in a labelled definition list', async () => {
    const { open } = setup();
    const dialog = await open('A castle at dawn');
    expect(within(dialog).getByRole('heading', { name: 'Settings' })).toBeInTheDocument();
    expect(within(dialog).getByTestId('image-settings')).toHaveAccessibleName('Settings');
    expect(settingsOf(dialog)).toEqual([
      ['Size', '640 × 448'],
      ['Negative prompt', 'blurry, text'],
      ['Seed', '987654321'],
      ['Steps', '35'],
      ['CFG scale', '8.5'],
      ['Sampler', 'DPM++ 2M'],
      ['Checkpoint', 'v1-5-pruned.safetensors'],
    ]);
  });

  it('lists output settings readably', async () => {
    const { open } = setup();
    const dialog = await open('A glass of water');
    expect(settingsOf(dialog)).toEqual([
      ['Size', 'Auto'],
      ['Quality', 'High'],
      ['Background', 'Transparent'],
      ['Format', 'WebP'],
      ['Compression', '70%'],
      ['Moderation', 'Low'],
    ]);
  });

  it('has no settings section for an image stored without settings', async () => {
    const { open } = setup({ images: [makeImage({ prompt: 'Old image', settings: {} })] });
    const dialog = await open('Old image');
    expect(within(dialog).queryByRole('heading', { name: 'Settings' })).not.toBeInTheDocument();
  });

  it('"Use these settings" closes the dialog, then hands over the image', async () => {
    const { open, onUseSettings } = setup();
    const dialog = await open('A castle at dawn');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Use these settings' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(onUseSettings).toHaveBeenCalledTimes(1));
    expect((onUseSettings.mock.calls[0] as [Image])[0]).toEqual(engineImage);
  });

  it('names unknown settings after their key and keeps them after the known ones', () => {
    expect(settingRows({ seed: 1, future_knob: 'enabled', model: 'm' } as never)).toEqual([
      { key: 'model', label: 'Model', value: 'm' },
      { key: 'seed', label: 'Seed', value: '1' },
      { key: 'future_knob', label: 'Future knob', value: 'Enabled' },
    ]);
  });
});

describe('Image details: edited from', () => {
  it('shows nothing for an image that is not an edit', async () => {
    const { open } = setup();
    const dialog = await open('A castle at dawn');
    expect(within(dialog).queryByText('Edited from')).not.toBeInTheDocument();
  });

  it('opens the original when it is among the loaded images', async () => {
    const { open, api } = setup();
    const dialog = await open('The castle, at night');
    expect(within(dialog).getByText('Edited from')).toBeInTheDocument();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Open the original image' }));
    expect(screen.getByRole('dialog')).toHaveAccessibleDescription('A castle at dawn');
    expect(api.to('/api/images/engine')).toHaveLength(0);
  });

  it('fetches the original when it is not loaded, and returns focus to the edit\'s tile on close', async () => {
    const { open, api } = setup();
    const dialog = await open('An older edit');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Open the original image' }));
    await waitFor(() => expect(screen.getByRole('dialog')).toHaveAccessibleDescription('An image beyond the first page'));
    expect(api.to('/api/images/far-away')).toHaveLength(1);
    expect(within(screen.getByRole('dialog')).queryByText(/of 4/)).not.toBeInTheDocument();

    fireEvent.keyDown(document, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    const list = screen.getByRole('list', { name: 'Generated images' });
    await waitFor(() => expect(within(list).getByRole('button', { name: 'An older edit' })).toHaveFocus());
  });

  it('says so when the original is gone', async () => {
    const { open } = setup({ images: [makeImage({ prompt: 'Orphan edit', parentId: 'deleted' })] });
    const dialog = await open('Orphan edit');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Open the original image' }));
    expect(await screen.findByText('The original image is no longer in the gallery.')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toHaveAccessibleDescription('Orphan edit');
  });
});
