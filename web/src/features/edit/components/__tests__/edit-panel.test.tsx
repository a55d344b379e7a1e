import { fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { makeConfig, makeImage } from '../../../../testing/fixtures';
import { errorResponse, jsonResponse, mockFetch } from '../../../../testing/mock-fetch';
import { renderWithProviders } from '../../../../testing/test-utils';
import { EditPanel } from '../edit-panel';
import { EditLineage } from '../edit-lineage';

const PNG_HEAD = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

/** A 2D context that records strokes: anything stroked counts as painted. */
function fakeCanvas() {
  let painted = false;
  const context = {
    clearRect: vi.fn(() => {
      painted = false;
    }),
    fillRect: vi.fn(),
    drawImage: vi.fn(),
    beginPath: vi.fn(),
    moveTo: vi.fn(),
    lineTo: vi.fn(),
    stroke: vi.fn(() => {
      painted = true;
    }),
    getImageData: vi.fn((_x: number, _y: number, w: number, h: number) => ({
      data: new Uint8ClampedArray(w * h * 4).fill(painted ? 255 : 0),
    })),
  };
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(context as unknown as CanvasRenderingContext2D);
  vi.spyOn(HTMLCanvasElement.prototype, 'toBlob').mockImplementation(function (callback: BlobCallback) {
    callback(new Blob([PNG_HEAD], { type: 'image/png' }));
  });
  return context;
}

function setup({
  maxEditImages = 3,
  answer = () => jsonResponse({ images: [makeImage({ id: 'edited-1', parentId: 'src-1' })] }, 201),
  extra = {},
}: { maxEditImages?: number; answer?: () => Response; extra?: object } = {}) {
  const config = makeConfig({ options: { ...makeConfig().options, canEdit: true, maxEditImages, ...extra } });
  const api = mockFetch((request) => {
    if (request.path === '/api/config') return jsonResponse(config);
    if (request.path === '/api/editImage' && request.method === 'POST') return answer();
    return errorResponse(404, 'not_found', 'No such route.');
  });
  const onEdited = vi.fn();
  const onClose = vi.fn();
  const view = renderWithProviders(
    <EditPanel image={makeImage({ id: 'src-1', width: 64, height: 32 })} onClose={onClose} onEdited={onEdited} />,
  );
  return { api, onEdited, onClose, ...view };
}

const prompt = () => screen.getByRole('textbox', { name: /what should change/i });
const apply = () => screen.getByRole('button', { name: /apply edit/i });

describe('EditPanel', () => {
  beforeEach(() => {
    fakeCanvas();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('asks for a prompt before sending anything', async () => {
    const { api, onEdited } = setup();
    fireEvent.click(apply());
    expect(await screen.findByRole('alert')).toHaveTextContent('Say what should change.');
    expect(api.to('/api/editImage')).toHaveLength(0);
    expect(onEdited).not.toHaveBeenCalled();
  });

  it('sends the image id and the prompt, and no mask when nothing is painted', async () => {
    const { user, api, onEdited } = setup();
    await user.type(prompt(), 'make it night');
    await user.click(apply());
    await waitFor(() => expect(onEdited).toHaveBeenCalled());
    const form = api.to('/api/editImage')[0]?.body as FormData;
    expect(form.get('image')).toBe('src-1');
    expect(form.get('prompt')).toBe('make it night');
    expect(form.get('mask')).toBeNull();
    expect(onEdited.mock.calls[0]?.[0][0].id).toBe('edited-1');
  });

  it('offers how much may change where the engine takes a denoising strength, and sends it', async () => {
    const plain = setup();
    await screen.findByText(/Reference images/); // the config has arrived
    expect(screen.queryByRole('slider', { name: /how much may change/i })).not.toBeInTheDocument();
    plain.unmount();
    const { user, api, onEdited } = setup({ extra: { denoisingStrength: { min: 0, max: 1, default: 0.75 } } });
    const slider = await screen.findByRole('slider', { name: /how much may change/i });
    expect(slider).toHaveValue('0.75');
    fireEvent.change(slider, { target: { value: '0.4' } });
    await user.type(prompt(), 'make it autumn');
    await user.click(apply());
    await waitFor(() => expect(onEdited).toHaveBeenCalled());
    expect((api.to('/api/editImage')[0]?.body as FormData).get('denoising_strength')).toBe('0.4');
  });

  it('sends the painted mask as a PNG of the image size; Clear mask removes it', async () => {
    const { user, api, onEdited } = setup();
    const canvas = screen.getByTestId('mask-canvas') as HTMLCanvasElement;
    expect(canvas.width).toBe(64);
    expect(canvas.height).toBe(32);
    fireEvent.pointerDown(canvas, { clientX: 5, clientY: 5, pointerId: 1 });
    fireEvent.pointerMove(canvas, { clientX: 9, clientY: 6, pointerId: 1 });
    fireEvent.pointerUp(canvas, { pointerId: 1 });
    expect(screen.getByRole('button', { name: /clear mask/i })).toBeEnabled();
    await user.type(prompt(), 'add a moon');
    await user.click(apply());
    await waitFor(() => expect(onEdited).toHaveBeenCalled());
    const mask = (api.to('/api/editImage')[0]?.body as FormData).get('mask') as File;
    expect(mask).toBeInstanceOf(Blob);
    expect(mask.type).toBe('image/png');
    await user.click(screen.getByRole('button', { name: /clear mask/i }));
    expect(screen.getByRole('button', { name: /clear mask/i })).toBeDisabled();
  });

  it('checks references as the server does: count and type', async () => {
    const { user, api } = setup({ maxEditImages: 2 });
    const input = await screen.findByLabelText(/reference images \(up to 1\)/i);
    const png = (name: string) => new File([PNG_HEAD], name, { type: 'image/png' });
    await user.upload(input, [png('a.png'), png('b.png')]);
    expect(await screen.findByRole('alert')).toHaveTextContent('At most 1 reference image.');
    await user.upload(input, [new File(['GIF89a'], 'c.png', { type: 'image/png' })]);
    expect(await screen.findByRole('alert')).toHaveTextContent('c.png is not a PNG, JPEG or WebP image.');
    await user.type(prompt(), 'x');
    await user.click(apply());
    expect(api.to('/api/editImage')).toHaveLength(0);
  });

  it('shows the server refusal and keeps the panel open', async () => {
    const { user, onEdited } = setup({ answer: () => errorResponse(400, 'edit_not_supported', "The model 'dall-e-3' cannot edit images.") });
    await user.type(prompt(), 'x');
    await user.click(apply());
    expect(await screen.findByText("The model 'dall-e-3' cannot edit images.")).toBeInTheDocument();
    expect(onEdited).not.toHaveBeenCalled();
  });
});

describe('EditLineage', () => {
  it('lists an image\'s edits and opens one in the dialog', async () => {
    const parent = makeImage({ id: 'p-1', prompt: 'the original', url: '/blobs/images/p1.png' });
    const child = makeImage({ id: 'c-1', prompt: 'an edit', parentId: 'p-1' });
    mockFetch((request) => {
      if (request.path.startsWith('/api/images/c-1/edits')) return jsonResponse({ imageUrls: [], nextCursor: null });
      if (request.path.startsWith('/api/images/p-1/edits')) return jsonResponse({ imageUrls: [child], nextCursor: null });
      return errorResponse(404, 'not_found', 'No such route.');
    });
    const onOpenImage = vi.fn();
    const first = renderWithProviders(<EditLineage image={child} />);
    await waitFor(() => expect(screen.queryByTestId('edit-lineage')).not.toBeInTheDocument());
    first.unmount();
    renderWithProviders(<EditLineage image={parent} onOpenImage={onOpenImage} />);
    expect(await screen.findByText('Edits of this image')).toBeInTheDocument();
    fireEvent.click(screen.getByRole('img', { name: 'an edit' }));
    expect(onOpenImage).toHaveBeenCalledWith('c-1');
  });
});
