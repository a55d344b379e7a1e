// How an image's stored settings read in its details: a label and a readable value per setting,
// in a fixed order (settings the UI does not know yet follow, named after their key).
import type { ImageSettings } from '../../types/api';

const LABELS: Record<string, string> = {
  model: 'Model',
  size: 'Size',
  quality: 'Quality',
  style: 'Style',
  n: 'Images',
  background: 'Background',
  output_format: 'Format',
  output_compression: 'Compression',
  moderation: 'Moderation',
  negative_prompt: 'Negative prompt',
  seed: 'Seed',
  steps: 'Steps',
  cfg_scale: 'CFG scale',
  sampler: 'Sampler',
  checkpoint: 'Checkpoint',
};

const FORMATS: Record<string, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' };

/** Shown as stored: names of models, samplers and checkpoints, and free text. */
const VERBATIM: ReadonlySet<string> = new Set(['model', 'negative_prompt', 'sampler', 'checkpoint']);

export interface SettingRow {
  key: string;
  label: string;
  value: string;
}

function labelOf(key: string): string {
  const words = key.replace(/_/g, ' ');
  return LABELS[key] ?? words.charAt(0).toUpperCase() + words.slice(1);
}

function valueOf(key: string, value: unknown): string {
  if (typeof value === 'number') return key === 'output_compression' ? `${value}%` : String(value);
  if (typeof value !== 'string') return JSON.stringify(value);
  if (VERBATIM.has(key)) return value;
  if (key === 'output_format') return FORMATS[value] ?? value;
  const size = /^(\d+)x(\d+)$/.exec(value);
  if (size) return `${size[1]} × ${size[2]}`;
  return value.length <= 2 ? value.toUpperCase() : value.charAt(0).toUpperCase() + value.slice(1);
}

/** Every stored setting, known ones first in the form's order; empty values are left out. */
export function settingRows(settings: ImageSettings | undefined): SettingRow[] {
  const entries = Object.entries(settings ?? {}).filter(
    ([, value]) => value !== null && value !== undefined && value !== '',
  );
  const order = Object.keys(LABELS);
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return entries
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([key, value]) => ({ key, label: labelOf(key), value: valueOf(key, value) }));
}
