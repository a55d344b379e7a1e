import { useId } from 'react';

export interface SelectChoice {
  value: string;
  label: string;
}

export interface OptionSelectProps {
  label: string;
  value: string;
  choices: SelectChoice[];
  onChange: (value: string) => void;
  disabled?: boolean;
}

/** A labelled native <select> (keyboard- and screen-reader-friendly by construction). */
export function OptionSelect({ label, value, choices, onChange, disabled }: OptionSelectProps) {
  const id = useId();
  return (
    <div className="flex min-w-0 flex-col gap-1">
      <label htmlFor={id} className="text-xs font-semibold uppercase tracking-wide text-slate-600">
        {label}
      </label>
      <select
        id={id}
        value={value}
        disabled={disabled}
        onChange={(event) => onChange(event.target.value)}
        className="w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm hover:border-slate-400 disabled:bg-slate-100 disabled:text-slate-500"
      >
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** "1024x1024" → "1024 × 1024"; "hd" → "HD"; "natural" → "Natural". */
export function formatOptionValue(value: string): string {
  const size = /^(\d+)x(\d+)$/.exec(value);
  if (size) return `${size[1]} × ${size[2]}`;
  if (value.length <= 2) return value.toUpperCase();
  return value.charAt(0).toUpperCase() + value.slice(1);
}
