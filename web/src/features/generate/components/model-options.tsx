import { useId, type ReactNode } from 'react';
import { Disclosure } from '../../../components/disclosure';
import type { CustomSizeRule, ModelInfo } from '../../../types/api';
import { CUSTOM_SIZE, customStart, type Draft, type Resolved, type SettingErrors } from '../model-settings';
import { FieldError, TextField } from './option-fields';
import { formatOptionValue, OptionSelect } from './option-select';

export type SettingsSection = 'more' | 'advanced';

export interface ModelOptionsProps {
  models: ModelInfo[];
  model: ModelInfo | undefined;
  values: Resolved;
  errors: SettingErrors;
  /** Changes some of the chosen values. */
  onChange: (patch: Partial<Draft>) => void;
  onModelChange: (name: string) => void;
  open: Record<SettingsSection, boolean>;
  onToggle: (section: SettingsSection, open: boolean) => void;
}

const FORMAT_LABELS: Record<string, string> = { png: 'PNG', jpeg: 'JPEG', webp: 'WebP' };
const GRID = 'grid grid-cols-2 gap-3 sm:grid-cols-4';

function labelled(values: string[], labels: Record<string, string> = {}) {
  return values.map((value) => ({ value, label: labels[value] ?? formatOptionValue(value) }));
}

/** "Multiples of 16 · edges 16–3,840 px · aspect up to 3:1 · 655,360–8,294,400 pixels". */
export function describeRule(rule: CustomSizeRule): string {
  const n = (value: number) => value.toLocaleString('en-US');
  return [
    `Multiples of ${rule.multipleOf}`,
    `edges ${n(rule.minEdge)}–${n(rule.maxEdge)} px`,
    `aspect up to ${rule.maxAspect}:1`,
    `${n(rule.minPixels)}–${n(rule.maxPixels)} pixels`,
  ].join(' · ');
}

/**
 * The settings the selected model offers, and nothing else: model, size (with "Custom…" W×H
 * checked against the model's rule), quality, style and count; "More options" (output format,
 * compression, background, moderation) and "Advanced" (the engine's negative prompt, seed, steps,
 * CFG scale, sampler and checkpoint), each behind a disclosure.
 */
export function ModelOptions({ models, model, values, errors, onChange, onModelChange, open, onToggle }: ModelOptionsProps) {
  const sizeErrorId = useId();
  const ruleId = useId();
  if (!model) return null;
  const o = model.options;

  const main: ReactNode[] = [];
  if (models.length > 1) {
    main.push(
      <OptionSelect
        key="model"
        label="Model"
        value={model.name}
        choices={models.map((m) => ({ value: m.name, label: m.label || m.name }))}
        onChange={onModelChange}
      />,
    );
  }
  if (o.size && values.size !== undefined) {
    const custom = o.size.custom;
    main.push(
      <OptionSelect
        key="size"
        label="Size"
        value={values.size}
        choices={[
          ...labelled(o.size.values),
          ...(custom ? [{ value: CUSTOM_SIZE, label: 'Custom…' }] : []),
        ]}
        onChange={(size) => {
          if (size !== CUSTOM_SIZE) return onChange({ size });
          const [width, height] = customStart(model, values.size);
          onChange({ size, width: values.width || width, height: values.height || height });
        }}
      />,
    );
  }
  if (o.quality && values.quality !== undefined) {
    main.push(
      <OptionSelect key="quality" label="Quality" value={values.quality} choices={labelled(o.quality.values)} onChange={(quality) => onChange({ quality })} />,
    );
  }
  if (o.style && values.style !== undefined) {
    main.push(
      <OptionSelect key="style" label="Style" value={values.style} choices={labelled(o.style.values)} onChange={(style) => onChange({ style })} />,
    );
  }
  if (o.n && o.n.max > 1 && values.n !== undefined) {
    const counts: string[] = [];
    for (let i = o.n.min; i <= o.n.max; i += 1) counts.push(String(i));
    main.push(
      <OptionSelect
        key="n"
        label="Images"
        value={String(values.n)}
        choices={counts.map((c) => ({ value: c, label: c }))}
        onChange={(n) => onChange({ n: Number(n) })}
      />,
    );
  }

  const more: ReactNode[] = [];
  if (o.outputFormat && values.outputFormat !== undefined) {
    more.push(
      <OptionSelect
        key="format"
        label="Format"
        value={values.outputFormat}
        choices={labelled(o.outputFormat.values, FORMAT_LABELS)}
        onChange={(outputFormat) => onChange({ outputFormat })}
      />,
    );
  }
  if (o.outputCompression && values.outputCompression !== undefined) {
    more.push(
      <TextField
        key="compression"
        label="Compression"
        type="number"
        inputMode="numeric"
        min={o.outputCompression.min}
        max={o.outputCompression.max}
        value={values.outputCompression}
        hint={`${o.outputCompression.min}–${o.outputCompression.max}, higher keeps more detail`}
        error={errors.outputCompression}
        onChange={(outputCompression) => onChange({ outputCompression })}
      />,
    );
  }
  if (o.background && values.background !== undefined) {
    more.push(
      <div key="background" className="flex min-w-0 flex-col gap-1">
        <OptionSelect
          label="Background"
          value={values.background}
          choices={labelled(o.background.values)}
          onChange={(background) => onChange({ background })}
        />
        {errors.background && <FieldError id={`${ruleId}-background`} message={errors.background} />}
      </div>,
    );
  }
  if (o.moderation && values.moderation !== undefined) {
    more.push(
      <OptionSelect
        key="moderation"
        label="Moderation"
        value={values.moderation}
        choices={labelled(o.moderation.values)}
        onChange={(moderation) => onChange({ moderation })}
      />,
    );
  }

  const advanced: ReactNode[] = [];
  if (o.negativePrompt && values.negativePrompt !== undefined) {
    advanced.push(
      <TextField
        key="negative"
        label="Negative prompt"
        multiline
        className="col-span-2 sm:col-span-4"
        value={values.negativePrompt}
        placeholder="What the picture should not show"
        error={errors.negativePrompt}
        onChange={(negativePrompt) => onChange({ negativePrompt })}
      />,
    );
  }
  if (o.seed && values.seed !== undefined) {
    advanced.push(
      <TextField
        key="seed"
        label="Seed"
        inputMode="numeric"
        autoComplete="off"
        value={values.seed}
        placeholder="Random"
        hint="Empty for a random seed"
        error={errors.seed}
        onChange={(seed) => onChange({ seed })}
      />,
    );
  }
  if (o.steps && values.steps !== undefined) {
    advanced.push(
      <TextField
        key="steps"
        label="Steps"
        type="number"
        inputMode="numeric"
        min={o.steps.min}
        max={o.steps.max}
        value={values.steps}
        placeholder={String(o.steps.default)}
        error={errors.steps}
        onChange={(steps) => onChange({ steps })}
      />,
    );
  }
  if (o.cfgScale && values.cfgScale !== undefined) {
    advanced.push(
      <TextField
        key="cfg"
        label="CFG scale"
        type="number"
        inputMode="decimal"
        step={0.5}
        min={o.cfgScale.min}
        max={o.cfgScale.max}
        value={values.cfgScale}
        placeholder={String(o.cfgScale.default)}
        error={errors.cfgScale}
        onChange={(cfgScale) => onChange({ cfgScale })}
      />,
    );
  }
  if (o.sampler && values.sampler !== undefined) {
    advanced.push(
      <OptionSelect
        key="sampler"
        label="Sampler"
        value={values.sampler}
        choices={[{ value: '', label: 'Engine default' }, ...o.sampler.values.map((v) => ({ value: v, label: v }))]}
        onChange={(sampler) => onChange({ sampler })}
      />,
    );
  }
  if (o.checkpoint && values.checkpoint !== undefined) {
    advanced.push(
      <OptionSelect
        key="checkpoint"
        label="Checkpoint"
        value={values.checkpoint}
        choices={[{ value: '', label: 'Loaded checkpoint' }, ...o.checkpoint.values.map((v) => ({ value: v, label: v }))]}
        onChange={(checkpoint) => onChange({ checkpoint })}
      />,
    );
  }

  const customRule = values.size === CUSTOM_SIZE ? o.size?.custom : undefined;
  if (main.length === 0 && more.length === 0 && advanced.length === 0) return null;

  return (
    <div className="mt-4 space-y-4">
      {main.length > 0 && (
        <fieldset>
          <legend className="sr-only">Image options</legend>
          <div className={GRID}>{main}</div>
        </fieldset>
      )}
      {customRule && (
        <fieldset className="rounded-xl border border-slate-200 bg-slate-50 p-3">
          <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Custom size</legend>
          <div className="grid grid-cols-2 gap-3 sm:max-w-md">
            <TextField
              label="Width"
              type="number"
              inputMode="numeric"
              min={customRule.minEdge}
              max={customRule.maxEdge}
              step={customRule.multipleOf}
              value={values.width}
              error={errors.size}
              errorId={sizeErrorId}
              onChange={(width) => onChange({ width })}
            />
            <TextField
              label="Height"
              type="number"
              inputMode="numeric"
              min={customRule.minEdge}
              max={customRule.maxEdge}
              step={customRule.multipleOf}
              value={values.height}
              error={errors.size}
              errorId={sizeErrorId}
              onChange={(height) => onChange({ height })}
            />
          </div>
          <p id={ruleId} className="mt-2 text-xs text-slate-600">
            {describeRule(customRule)}
          </p>
          <FieldError id={sizeErrorId} message={errors.size} />
        </fieldset>
      )}
      {more.length > 0 && (
        <Disclosure title="More options" open={open.more} onToggle={(next) => onToggle('more', next)}>
          <div className={GRID}>{more}</div>
        </Disclosure>
      )}
      {advanced.length > 0 && (
        <Disclosure title="Advanced" open={open.advanced} onToggle={(next) => onToggle('advanced', next)}>
          <div className={GRID}>{advanced}</div>
        </Disclosure>
      )}
    </div>
  );
}
