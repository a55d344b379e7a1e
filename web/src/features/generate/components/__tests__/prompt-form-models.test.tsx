import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { createRef } from 'react';
import { describe, expect, it, vi } from 'vitest';
import {
  makeA1111,
  makeConfig,
  makeGptImage1,
  makeGptImage2,
  makeImage,
  makeMenuConfig,
} from '../../../../testing/fixtures';
import { errorResponse, jsonResponse, mockFetch } from '../../../../testing/mock-fetch';
import { renderWithProviders } from '../../../../testing/test-utils';
import type { ConfigResponse } from '../../../../types/api';
import { PromptForm, type PromptFormHandle } from '../prompt-form';

// Long interaction scripts over a large form: more than the default 5 s on a busy shared machine.
vi.setConfig({ testTimeout: 15_000 });

function setup(config: ConfigResponse = makeMenuConfig(), generate = () => jsonResponse({ images: [makeImage()] }, 201)) {
  const api = mockFetch((request) => {
    if (request.path === '/api/suggestion') return jsonResponse({ suggestion: 'A lighthouse' });
    if (request.path === '/api/generateImage' && request.method === 'POST') return generate();
    return errorResponse(404, 'not_found', 'No such route.');
  });
  const ref = createRef<PromptFormHandle>();
  const view = renderWithProviders(<PromptForm ref={ref} config={config} />);
  const textbox = screen.getByRole('textbox', { name: /describe the image/i });
  return { api, ref, textbox, ...view };
}

// By label rather than by role: much quicker in jsdom for a form this size (roles are checked
// where visibility matters, with queryByRole).
const combo = (name: string) => screen.getByLabelText<HTMLSelectElement>(name, { selector: 'select' });
const field = (name: string) => screen.getByLabelText<HTMLInputElement>(name, { selector: 'input:not([type]), textarea' });
const spin = (name: string) => screen.getByLabelText<HTMLInputElement>(name, { selector: 'input[type="number"]' });
const generateButton = () => screen.getByRole('button', { name: /^generate$/i });
const choose = (name: string, value: string) => fireEvent.change(combo(name), { target: { value } });
function submit(textbox: HTMLElement, prompt: string) {
  fireEvent.change(textbox, { target: { value: prompt } });
  fireEvent.click(generateButton());
}

async function sent(api: ReturnType<typeof setup>['api'], count = 1) {
  await waitFor(() => expect(api.to('/api/generateImage')).toHaveLength(count));
  return api.to('/api/generateImage')[count - 1]?.body;
}

describe('PromptForm: the model menu', () => {
  it('has no model select with one model, and does not send a model to a server without a menu', async () => {
    const { textbox, api } = setup(makeConfig());
    expect(screen.queryByRole('combobox', { name: 'Model' })).not.toBeInTheDocument();
    submit(textbox, 'a fox');
    expect(await sent(api)).not.toHaveProperty('model');
  });

  it('lists the models by label, the default selected, and sends exactly its offered settings', async () => {
    const { textbox, api } = setup();
    const model = combo('Model');
    expect(within(model).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'GPT Image 2',
      'GPT Image 1',
      'Stable Diffusion (AUTOMATIC1111)',
    ]);
    expect(model).toHaveValue('gpt-image-2');
    submit(textbox, 'a fox');
    expect(await sent(api)).toEqual({
      prompt: 'a fox',
      model: 'gpt-image-2',
      size: '1024x1024',
      quality: 'auto',
      n: 1,
      background: 'auto',
      output_format: 'png',
      moderation: 'auto',
    });
  });

  it('shows only what each model offers: output options for GPT Image, engine controls for AUTOMATIC1111', async () => {
    const { user } = setup();
    expect(screen.getByRole('button', { name: 'More options' })).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('button', { name: 'Advanced' })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Style' })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Format' })).not.toBeInTheDocument(); // collapsed

    fireEvent.click(screen.getByRole('button', { name: 'More options' }));
    expect(screen.getByRole('button', { name: 'More options' })).toHaveAttribute('aria-expanded', 'true');
    expect(combo('Format')).toHaveValue('png');
    expect(combo('Background')).toHaveValue('auto');
    expect(combo('Moderation')).toHaveValue('auto');
    // Compression only for the formats that have it.
    expect(screen.queryByRole('spinbutton', { name: 'Compression' })).not.toBeInTheDocument();
    choose('Format', 'webp');
    expect(spin('Compression')).toHaveValue(100);

    choose('Model', 'automatic1111');
    expect(screen.queryByRole('button', { name: 'More options' })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Quality' })).not.toBeInTheDocument();
    const advanced = screen.getByRole('button', { name: 'Advanced' });
    expect(advanced).toHaveAttribute('aria-expanded', 'false');
    advanced.focus();
    await user.keyboard('{Enter}');
    expect(advanced).toHaveAttribute('aria-expanded', 'true');
    expect(field('Negative prompt')).toHaveValue('');
    expect(field('Seed')).toHaveAttribute('placeholder', 'Random');
    expect(spin('Steps')).toHaveValue(20);
    expect(spin('CFG scale')).toHaveValue(7);
    expect(within(combo('Sampler')).getAllByRole('option').map((o) => o.textContent)).toEqual([
      'Engine default',
      'Euler a',
      'DPM++ 2M',
    ]);
    expect(combo('Checkpoint')).toHaveValue('');
    await user.keyboard(' ');
    expect(advanced).toHaveAttribute('aria-expanded', 'false');
    expect(screen.queryByRole('spinbutton', { name: 'Steps' })).not.toBeInTheDocument();
  });

  it('hides the sampler and checkpoint selects when the engine lists none', async () => {
    const a1111 = makeA1111();
    a1111.options.sampler = { values: [] };
    a1111.options.checkpoint = { values: [] };
    setup(makeMenuConfig([{ ...a1111, default: true }]));
    fireEvent.click(screen.getByRole('button', { name: 'Advanced' }));
    expect(spin('Steps')).toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Sampler' })).not.toBeInTheDocument();
    expect(screen.queryByRole('combobox', { name: 'Checkpoint' })).not.toBeInTheDocument();
  });

  it('sends the engine controls that are filled in, and no seed while it is random', async () => {
    const { textbox, api } = setup(makeMenuConfig([{ ...makeA1111(), default: true }, makeGptImage2()]));
    fireEvent.click(screen.getByRole('button', { name: 'Advanced' }));
    fireEvent.change(field('Negative prompt'), { target: { value: 'blurry, text' } });
    fireEvent.change(spin('Steps'), { target: { value: '30' } });
    fireEvent.change(spin('CFG scale'), { target: { value: '6.5' } });
    choose('Sampler', 'DPM++ 2M');
    submit(textbox, 'a fox');
    expect(await sent(api)).toEqual({
      prompt: 'a fox',
      model: 'automatic1111',
      size: '512x512',
      n: 1,
      negative_prompt: 'blurry, text',
      steps: 30,
      cfg_scale: 6.5,
      sampler: 'DPM++ 2M',
    });

    fireEvent.change(field('Seed'), { target: { value: '1234' } });
    choose('Checkpoint', 'v1-5-pruned.safetensors');
    submit(textbox, 'a fox');
    expect(await sent(api, 2)).toMatchObject({ seed: 1234, checkpoint: 'v1-5-pruned.safetensors' });
  });

  it('checks seed, steps and CFG scale against the model and blocks Generate meanwhile', async () => {
    const { textbox } = setup(makeMenuConfig([{ ...makeA1111(), default: true }]));
    fireEvent.change(textbox, { target: { value: 'a fox' } });
    fireEvent.click(screen.getByRole('button', { name: 'Advanced' }));
    fireEvent.change(field('Seed'), { target: { value: '12x' } });
    expect(field('Seed')).toHaveAttribute('aria-invalid', 'true');
    expect(field('Seed')).toHaveAccessibleDescription(
      'Empty for a random seed The seed must be a whole number from 0 to 4,294,967,295, or empty for a random one.',
    );
    expect(generateButton()).toBeDisabled();
    fireEvent.change(field('Seed'), { target: { value: '' } });
    expect(generateButton()).toBeEnabled();

    fireEvent.change(spin('Steps'), { target: { value: '151' } });
    expect(screen.getByText('Steps must be a whole number from 1 to 150.')).toBeInTheDocument();
    expect(generateButton()).toBeDisabled();
    fireEvent.change(spin('Steps'), { target: { value: '150' } });
    fireEvent.change(spin('CFG scale'), { target: { value: '31' } });
    expect(screen.getByText('The CFG scale must be a number from 1 to 30.')).toBeInTheDocument();
    expect(generateButton()).toBeDisabled();
  });

  it('switching model keeps the values the new model takes and resets the rest to its defaults', async () => {
    setup();
    choose('Size', '1536x1024');
    choose('Quality', 'high');
    choose('Images', '3');
    fireEvent.click(screen.getByRole('button', { name: 'More options' }));
    choose('Format', 'jpeg');
    fireEvent.change(spin('Compression'), { target: { value: '80' } });
    choose('Moderation', 'low');

    // GPT Image 1 takes every one of them.
    choose('Model', 'gpt-image-1');
    expect(combo('Size')).toHaveValue('1536x1024');
    expect(combo('Quality')).toHaveValue('high');
    expect(combo('Images')).toHaveValue('3');
    expect(combo('Format')).toHaveValue('jpeg');
    expect(spin('Compression')).toHaveValue(80);
    expect(combo('Moderation')).toHaveValue('low');
    choose('Background', 'transparent');
    // A transparent JPEG is refused before it is sent, naming the rule.
    expect(screen.getByText('A transparent background needs PNG or WebP output, not JPEG.')).toBeInTheDocument();
    choose('Format', 'png');

    // AUTOMATIC1111 has none of the output options and other sizes: its defaults; n is kept.
    choose('Model', 'automatic1111');
    expect(combo('Size')).toHaveValue('512x512');
    expect(combo('Images')).toHaveValue('3');
    fireEvent.click(screen.getByRole('button', { name: 'Advanced' }));
    fireEvent.change(spin('Steps'), { target: { value: '42' } });

    // Back on GPT Image 2: transparent is not among its backgrounds; quality was reset by the trip.
    choose('Model', 'gpt-image-2');
    expect(combo('Size')).toHaveValue('1024x1024');
    expect(combo('Quality')).toHaveValue('auto');
    expect(combo('Background')).toHaveValue('auto');
    expect(combo('Format')).toHaveValue('png');
    expect(combo('Images')).toHaveValue('3');

    choose('Model', 'automatic1111');
    expect(spin('Steps')).toHaveValue(20); // reset: GPT Image 2 had no steps
  });
});

describe('PromptForm: custom sizes', () => {
  it('offers "Custom…" only when the model has a custom rule', async () => {
    setup();
    expect(within(combo('Size')).getByRole('option', { name: 'Custom…' })).toBeInTheDocument();
    choose('Model', 'gpt-image-1');
    expect(within(combo('Size')).queryByRole('option', { name: 'Custom…' })).not.toBeInTheDocument();
  });

  it('opens W×H fields from the chosen preset, names the broken rule, and sends a valid size', async () => {
    const { textbox, api } = setup();
    choose('Size', '1536x1024');
    choose('Size', 'custom');
    const width = spin('Width');
    const height = spin('Height');
    expect(width).toHaveValue(1536);
    expect(height).toHaveValue(1024);
    expect(screen.getByText(/Multiples of 16 · edges 16–3,840 px · aspect up to 3:1 · 655,360–8,294,400 pixels/)).toBeInTheDocument();
    fireEvent.change(textbox, { target: { value: 'a wide fox' } });

    const expectProblem = (message: string) => {
      expect(screen.getByText(message)).toBeInTheDocument();
      expect(width).toHaveAttribute('aria-invalid', 'true');
      expect(height).toHaveAccessibleDescription(message);
      expect(generateButton()).toBeDisabled();
    };
    fireEvent.change(width, { target: { value: '1000' } });
    expectProblem('Both edges must be multiples of 16.');
    fireEvent.change(width, { target: { value: '4000' } });
    expectProblem('Each edge must be from 16 to 3,840 pixels.');
    fireEvent.change(width, { target: { value: '3840' } });
    fireEvent.change(height, { target: { value: '1120' } });
    expectProblem('The aspect ratio must be between 1:3 and 3:1.');
    fireEvent.change(width, { target: { value: '800' } });
    fireEvent.change(height, { target: { value: '800' } });
    expectProblem('800 × 800 is 640,000 pixels; this model takes from 655,360 to 8,294,400.');
    fireEvent.change(height, { target: { value: '' } });
    expectProblem('Enter the width and height in pixels.');

    fireEvent.change(width, { target: { value: '2048' } });
    fireEvent.change(height, { target: { value: '1152' } });
    expect(width).not.toHaveAttribute('aria-invalid');
    expect(generateButton()).toBeEnabled();
    fireEvent.click(generateButton());
    expect(await sent(api)).toMatchObject({ size: '2048x1152' });
  });

  it('shows the server\'s message when it refuses the size', async () => {
    const { textbox } = setup(makeMenuConfig(), () =>
      errorResponse(400, 'invalid_request', 'The size 2048x1152 is not allowed: both edges must be multiples of 64.'),
    );
    choose('Size', 'custom');
    fireEvent.change(spin('Width'), { target: { value: '2048' } });
    fireEvent.change(spin('Height'), { target: { value: '1152' } });
    submit(textbox, 'a fox');
    expect(
      await screen.findByText('The size 2048x1152 is not allowed: both edges must be multiples of 64.'),
    ).toBeInTheDocument();
  });

  it('keeps a custom size across a model switch only when the new model takes it', async () => {
    setup();
    choose('Size', 'custom');
    fireEvent.change(spin('Width'), { target: { value: '1024' } });
    fireEvent.change(spin('Height'), { target: { value: '768' } });
    choose('Model', 'automatic1111'); // multiples of 8, up to 4,194,304 pixels
    expect(combo('Size')).toHaveValue('custom');
    expect(spin('Width')).toHaveValue(1024);
    choose('Model', 'gpt-image-1'); // no custom sizes
    expect(combo('Size')).toHaveValue('1024x1024');
    expect(screen.queryByRole('spinbutton', { name: 'Width' })).not.toBeInTheDocument();
  });
});

describe('PromptForm: fillSettings', () => {
  it('selects the model and fills the prompt and every setting, seed included, then focuses the prompt', async () => {
    const { ref, textbox, api } = setup();
    act(() =>
      ref.current?.fillSettings({
        prompt: 'A castle at dawn',
        settings: {
          model: 'automatic1111',
          size: '640x448',
          negative_prompt: 'blurry',
          seed: 987654321,
          steps: 35,
          cfg_scale: 8.5,
          sampler: 'DPM++ 2M',
          checkpoint: 'v1-5-pruned.safetensors',
        },
      }),
    );
    expect(textbox).toHaveValue('A castle at dawn');
    expect(textbox).toHaveFocus();
    expect(combo('Model')).toHaveValue('automatic1111');
    expect(combo('Size')).toHaveValue('custom');
    expect(spin('Width')).toHaveValue(640);
    expect(spin('Height')).toHaveValue(448);
    expect(screen.getByRole('button', { name: 'Advanced' })).toHaveAttribute('aria-expanded', 'true');
    expect(field('Negative prompt')).toHaveValue('blurry');
    expect(field('Seed')).toHaveValue('987654321');
    expect(spin('Steps')).toHaveValue(35);
    expect(spin('CFG scale')).toHaveValue(8.5);
    expect(combo('Sampler')).toHaveValue('DPM++ 2M');
    expect(combo('Checkpoint')).toHaveValue('v1-5-pruned.safetensors');

    fireEvent.click(generateButton());
    expect(await sent(api)).toEqual({
      prompt: 'A castle at dawn',
      model: 'automatic1111',
      size: '640x448',
      n: 1,
      negative_prompt: 'blurry',
      seed: 987654321,
      steps: 35,
      cfg_scale: 8.5,
      sampler: 'DPM++ 2M',
      checkpoint: 'v1-5-pruned.safetensors',
    });
  });

  it('fills output settings into More options and clears a seed the image did not have', async () => {
    const { ref } = setup(makeMenuConfig([makeGptImage2(), makeGptImage1(), makeA1111()]));
    act(() =>
      ref.current?.fillSettings({
        prompt: 'first',
        settings: { model: 'automatic1111', seed: 5 },
      }),
    );
    expect(field('Seed')).toHaveValue('5');
    act(() =>
      ref.current?.fillSettings({
        prompt: 'A glass of water',
        settings: {
          model: 'gpt-image-1',
          size: '1024x1536',
          quality: 'high',
          background: 'transparent',
          output_format: 'webp',
          output_compression: 70,
          moderation: 'low',
        },
      }),
    );
    expect(combo('Model')).toHaveValue('gpt-image-1');
    expect(combo('Size')).toHaveValue('1024x1536');
    expect(combo('Quality')).toHaveValue('high');
    expect(screen.getByRole('button', { name: 'More options' })).toHaveAttribute('aria-expanded', 'true');
    expect(combo('Background')).toHaveValue('transparent');
    expect(combo('Format')).toHaveValue('webp');
    expect(spin('Compression')).toHaveValue(70);
    expect(combo('Moderation')).toHaveValue('low');

    act(() => ref.current?.fillSettings({ prompt: 'again', settings: { model: 'automatic1111' } }));
    expect(field('Seed')).toHaveValue('');
  });

  it('says so when the image\'s model is not offered, and uses the default model', async () => {
    const { ref, textbox } = setup();
    act(() => ref.current?.fillSettings({ prompt: 'old one', settings: { model: 'dall-e-3', quality: 'high' } }));
    expect(await screen.findByText(/The model dall-e-3 is not offered here/)).toBeInTheDocument();
    expect(combo('Model')).toHaveValue('gpt-image-2');
    expect(combo('Quality')).toHaveValue('high');
    expect(textbox).toHaveValue('old one');
  });
});
