// Client-side checks of an edit's uploads, mirroring the server's (docs/api.md, POST
// /api/editImage): PNG, JPEG or WebP by their first bytes, the form within maxUploadBytes, at most
// maxEditImages - 1 references. The server checks again; these only spare a doomed upload.

export const DEFAULT_MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** "png", "jpeg", "webp" from a file's first bytes; null for anything else. */
export function sniffImageType(head: Uint8Array): 'png' | 'jpeg' | 'webp' | null {
  const at = (i: number) => head[i] ?? -1;
  const text = (from: number, to: number) => String.fromCharCode(...head.slice(from, to));
  if (at(0) === 0x89 && text(1, 4) === 'PNG' && at(4) === 0x0d && at(5) === 0x0a) return 'png';
  if (at(0) === 0xff && at(1) === 0xd8 && at(2) === 0xff) return 'jpeg';
  if (text(0, 4) === 'RIFF' && text(8, 12) === 'WEBP') return 'webp';
  return null;
}

async function headOf(file: Blob): Promise<Uint8Array> {
  const slice = file.slice(0, 16);
  const buffer =
    typeof slice.arrayBuffer === 'function'
      ? await slice.arrayBuffer()
      : await new Response(slice).arrayBuffer();
  return new Uint8Array(buffer);
}

export interface UploadLimits {
  maxUploadBytes: number;
  /** References an edit may add besides the image. */
  maxReferences: number;
}

/** Why these references cannot be sent, or null when they can. */
export async function checkReferences(files: File[], limits: UploadLimits): Promise<string | null> {
  if (files.length > limits.maxReferences) {
    return limits.maxReferences === 0
      ? 'This model takes no reference images.'
      : `At most ${limits.maxReferences} reference image${limits.maxReferences === 1 ? '' : 's'}.`;
  }
  let total = 0;
  for (const file of files) {
    if (!sniffImageType(await headOf(file))) return `${file.name} is not a PNG, JPEG or WebP image.`;
    total += file.size;
  }
  if (total > limits.maxUploadBytes) {
    return `The references are larger than ${Math.floor(limits.maxUploadBytes / (1024 * 1024))} MB in all.`;
  }
  return null;
}
