import type { ConfigResponse, Image, QuotaResponse } from '../types/api';

let counter = 0;

/** An Image as documented in docs/api.md; `id` and links are unique per call unless given. */
export function makeImage(overrides: Partial<Image> = {}): Image {
  counter += 1;
  const id = overrides.id ?? `820499999${String(counter).padStart(4, '0')}-k3j4h5g6m${counter}`;
  return {
    id,
    name: `images/${id}.png`,
    url: `/blobs/images/images/${id}.png?sv=2025-11-05&se=2026-11-24T23%3A35%3A00Z&sr=b&sp=r&sig=full${counter}`,
    thumbnailUrl: `/blobs/images/thumbnails/${id}.webp?sv=2025-11-05&se=2026-11-24T23%3A35%3A00Z&sr=b&sp=r&sig=thumb${counter}`,
    expiresAt: '2099-11-24T23:35:00Z',
    prompt: `Prompt number ${counter}`,
    revisedPrompt: null,
    provider: 'demo',
    model: 'procedural-v1',
    width: 1024,
    height: 1024,
    contentType: 'image/png',
    bytes: 123456,
    createdAt: '2026-11-24T23:05:12.345Z',
    ...overrides,
  };
}

export function makeImages(n: number, prefix = 'img'): Image[] {
  return Array.from({ length: n }, (_, i) => makeImage({ id: `${prefix}-${i + 1}`, prompt: `${prefix} prompt ${i + 1}` }));
}

export function makeConfig(overrides: Partial<ConfigResponse> = {}): ConfigResponse {
  return {
    provider: 'demo',
    model: 'procedural-v1',
    offline: true,
    label: 'Offline demo — procedural art, not an AI model',
    options: {
      size: { values: ['1024x1024', '1536x1024', '1024x1536'], default: '1024x1024' },
      quality: { values: ['low', 'medium', 'high', 'auto'], default: 'auto' },
      style: { values: ['vivid', 'natural'], default: 'vivid' },
      n: { min: 1, max: 4, default: 1 },
    },
    limits: {
      promptMaxChars: 4000,
      pageSizeDefault: 50,
      pageSizeMax: 100,
      linkLifetimeSeconds: 1800,
      maxBodyBytes: 65536,
    },
    ...overrides,
  };
}

/** `GET /api/quota` of a client with 97 images left today and no spending budget. */
export function makeQuota({
  client = {},
  budget = null,
}: { client?: Partial<QuotaResponse['client']>; budget?: QuotaResponse['budget'] } = {}): QuotaResponse {
  return {
    client: { imagesLeftToday: 97, resetsAt: '2026-12-03T00:00:00Z', inFlight: 0, maxInFlight: 2, ...client },
    budget,
  };
}
