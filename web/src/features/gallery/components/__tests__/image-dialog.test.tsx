import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import { makeImage } from '../../../../testing/fixtures';
import { errorResponse, jsonResponse, mockFetch } from '../../../../testing/mock-fetch';
import { renderWithProviders } from '../../../../testing/test-utils';
import { Gallery } from '../gallery';

const images = [
  makeImage({
    id: 'one',
    prompt: 'A red fox. Oil painting_with #hash?',
    revisedPrompt: 'A detailed oil painting of a red fox in snow',
    width: 1536,
    height: 1024,
    createdAt: '2026-11-24T23:05:12.345Z',
  }),
  makeImage({ id: 'two', prompt: 'Second image', model: 'dall-e-3', provider: 'openai' }),
  makeImage({ id: 'three', prompt: 'Third image' }),
];

async function setup(onUsePrompt = vi.fn()) {
  mockFetch((request) =>
    request.path.startsWith('/api/getImages')
      ? jsonResponse({ imageUrls: images, nextCursor: null })
      : errorResponse(404, 'not_found', 'No such route.'),
  );
  const view = renderWithProviders(<Gallery onUsePrompt={onUsePrompt} />);
  await screen.findByRole('img', { name: 'Third image' });
  const tileButton = (name: string) =>
    within(screen.getByRole('list', { name: 'Generated images' })).getByRole('button', { name });
  return { ...view, onUsePrompt, tileButton };
}

describe('ImageDialog', () => {
  it('opens on click with the full details, focus inside', async () => {
    const { user, tileButton } = await setup();
    await user.click(tileButton('A red fox. Oil painting_with #hash?'));

    const dialog = screen.getByRole('dialog', { name: 'Image details' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toContainElement(document.activeElement as HTMLElement);

    const full = within(dialog).getByRole('img', { name: 'A red fox. Oil painting_with #hash?' });
    expect(full).toHaveAttribute('src', images[0]?.url);
    expect(dialog).toHaveAccessibleDescription('A red fox. Oil painting_with #hash?');
    expect(within(dialog).getByText('A detailed oil painting of a red fox in snow')).toBeInTheDocument();
    expect(within(dialog).getByText('demo')).toBeInTheDocument();
    expect(within(dialog).getByText('procedural-v1')).toBeInTheDocument();
    expect(within(dialog).getByText(/1536 × 1024/)).toBeInTheDocument();
    const time = dialog.querySelector('time');
    expect(time).toHaveAttribute('dateTime', '2026-11-24T23:05:12.345Z');
    expect(time?.textContent).toMatch(/2026/);

    const download = within(dialog).getByRole('link', { name: 'Download' });
    expect(download).toHaveAttribute('href', images[0]?.url);
    expect(download).toHaveAttribute('download', 'one.png');
    expect(within(dialog).queryByText('Revised prompt')).toBeInTheDocument();
    // Prompt texts are bidi-isolated (dir="auto" implies unicode-bidi: isolate).
    expect(within(dialog).getByText('A detailed oil painting of a red fox in snow')).toHaveAttribute('dir', 'auto');
    expect(dialog.querySelector('dd[dir="auto"]')?.textContent).toBe('A red fox. Oil painting_with #hash?');
  });

  it('opens with Enter on a focused tile, closes on Esc and returns focus to that tile', async () => {
    const { user, tileButton } = await setup();
    const tile = tileButton('Second image');
    tile.focus();
    await user.keyboard('{Enter}');
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(within(screen.getByRole('dialog')).queryByText('Revised prompt')).not.toBeInTheDocument();

    await user.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(tile).toHaveFocus());
  });

  it('moves to the neighbours with ArrowRight / ArrowLeft, stopping at the ends', async () => {
    const { user, tileButton } = await setup();
    await user.click(tileButton('Second image'));
    const dialog = screen.getByRole('dialog');
    expect(dialog).toHaveAccessibleDescription('Second image');
    expect(within(dialog).getByText('2 of 3')).toBeInTheDocument();

    await user.keyboard('{ArrowRight}');
    expect(dialog).toHaveAccessibleDescription('Third image');
    await user.keyboard('{ArrowRight}');
    expect(dialog).toHaveAccessibleDescription('Third image');
    expect(within(dialog).getByRole('button', { name: 'Next image' })).toBeDisabled();

    await user.keyboard('{ArrowLeft}{ArrowLeft}');
    expect(dialog).toHaveAccessibleDescription('A red fox. Oil painting_with #hash?');
    expect(within(dialog).getByText('1 of 3')).toBeInTheDocument();

    // Esc returns focus to the tile of the image being shown.
    await user.keyboard('{Escape}');
    await waitFor(() => expect(tileButton('A red fox. Oil painting_with #hash?')).toHaveFocus());
  });

  it('traps Tab inside the dialog', async () => {
    const { user, tileButton } = await setup();
    await user.click(tileButton('Second image'));
    const dialog = screen.getByRole('dialog');
    for (let i = 0; i < 12; i += 1) {
      await user.tab();
      expect(dialog).toContainElement(document.activeElement as HTMLElement);
    }
    for (let i = 0; i < 12; i += 1) {
      await user.tab({ shift: true });
      expect(dialog).toContainElement(document.activeElement as HTMLElement);
    }
  });

  it('closes when the backdrop is clicked', async () => {
    const { user, tileButton } = await setup();
    await user.click(tileButton('Third image'));
    await user.click(screen.getByTestId('dialog-backdrop'));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('"Copy prompt" copies the full prompt and confirms with a toast', async () => {
    const { user, tileButton } = await setup();
    await user.click(tileButton('A red fox. Oil painting_with #hash?'));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Copy prompt' }));
    expect(await screen.findByText('Prompt copied to the clipboard')).toBeInTheDocument();
    await expect(navigator.clipboard.readText()).resolves.toBe('A red fox. Oil painting_with #hash?');
  });

  it('"Use prompt" closes the dialog and hands over the prompt', async () => {
    const { user, tileButton, onUsePrompt } = await setup();
    await user.click(tileButton('A red fox. Oil painting_with #hash?'));
    await user.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Use prompt' }));
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    await waitFor(() => expect(onUsePrompt).toHaveBeenCalledWith('A red fox. Oil painting_with #hash?'));
  });
});
