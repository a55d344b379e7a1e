import { describe, expect, it } from 'vitest';
import { makeA1111, makeConfig, makeGptImage1, makeGptImage2, makeMenuConfig } from '../../../testing/fixtures';
import {
  CUSTOM_SIZE,
  customSizeProblem,
  draftFromSettings,
  keepCompatible,
  modelsOf,
  resolve,
  toRequest,
} from '../model-settings';

const rule = { multipleOf: 16, minEdge: 16, maxEdge: 3840, minPixels: 655360, maxPixels: 8294400, maxAspect: 3 };

describe('customSizeProblem', () => {
  it('accepts sizes within every rule, at the edges too', () => {
    expect(customSizeProblem(1024, 640, rule)).toBeNull();
    expect(customSizeProblem(3840, 2160, rule)).toBeNull();
    expect(customSizeProblem(2400, 800, rule)).toBeNull(); // exactly 3:1
  });

  it('names the first rule a size breaks', () => {
    expect(customSizeProblem(1000, 1024, rule)).toBe('Both edges must be multiples of 16.');
    expect(customSizeProblem(3856, 2160, rule)).toBe('Each edge must be from 16 to 3,840 pixels.');
    expect(customSizeProblem(2416, 800, rule)).toBe('The aspect ratio must be between 1:3 and 3:1.');
    expect(customSizeProblem(3840, 3840, rule)).toBe(
      '3840 × 3840 is 14,745,600 pixels; this model takes from 655,360 to 8,294,400.',
    );
  });
});

describe('modelsOf', () => {
  it('uses the menu when the server has one, else the one model of model/options', () => {
    expect(modelsOf(makeMenuConfig()).map((m) => m.name)).toEqual(['gpt-image-2', 'gpt-image-1', 'automatic1111']);
    const single = modelsOf(makeConfig());
    expect(single).toHaveLength(1);
    expect(single[0]).toMatchObject({ name: 'procedural-v1', default: true });
    expect(modelsOf(undefined)).toEqual([]);
  });
});

describe('toRequest', () => {
  it('sends compression only with a format that has it', () => {
    const model = makeGptImage2();
    const png = resolve({ outputFormat: 'png', outputCompression: '50' }, model);
    expect(toRequest('p', png, model, true)).not.toHaveProperty('output_compression');
    const jpeg = resolve({ outputFormat: 'jpeg', outputCompression: '50' }, model);
    expect(toRequest('p', jpeg, model, true)).toMatchObject({ output_format: 'jpeg', output_compression: 50 });
  });

  it('leaves out the empty engine fields and sends a custom size as WxH', () => {
    const model = makeA1111();
    const values = resolve({ size: CUSTOM_SIZE, width: '640', height: '448', steps: '', cfgScale: '' }, model);
    expect(toRequest('p', values, model, false)).toEqual({ prompt: 'p', size: '640x448', n: 1 });
  });
});

describe('keepCompatible and draftFromSettings', () => {
  it('drops what the new model does not take', () => {
    const draft = { quality: 'high', background: 'transparent', seed: '5', size: '1536x1024' };
    expect(keepCompatible(draft, makeGptImage2())).toEqual({ quality: 'high', size: '1536x1024' });
    expect(keepCompatible(draft, makeGptImage1())).toEqual({ quality: 'high', background: 'transparent', size: '1536x1024' });
    expect(keepCompatible(draft, makeA1111())).toEqual({ seed: '5' });
  });

  it('turns a stored custom size into the W×H fields, or drops it where the model has no custom sizes', () => {
    expect(draftFromSettings({ size: '640x448' }, makeA1111())).toMatchObject({
      size: CUSTOM_SIZE,
      width: '640',
      height: '448',
    });
    expect(draftFromSettings({ size: '640x448' }, makeGptImage1())).not.toHaveProperty('size');
  });
});
