import { useId, type InputHTMLAttributes } from 'react';
import { cn } from '../../../lib/cn';

const LABEL = 'text-xs font-semibold uppercase tracking-wide text-slate-600';
const INPUT =
  'w-full rounded-lg border bg-white px-3 py-2 text-sm text-slate-900 shadow-sm hover:border-slate-400 placeholder:text-slate-500';

/** A field's problem, announced politely when it appears. */
export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  return (
    <p id={id} aria-live="polite" className={cn('text-xs font-medium text-red-700', !message && 'sr-only')}>
      {message}
    </p>
  );
}

export interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'onChange' | 'value'> {
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Shown under the field and tied to it (`aria-invalid`, `aria-describedby`). */
  error?: string | undefined;
  /** A hint tied to the field. */
  hint?: string | undefined;
  /** The error is shown elsewhere (e.g. once for width and height) under this id. */
  errorId?: string | undefined;
  multiline?: boolean;
}

/** A labelled input (or textarea) with an optional hint and error tied to it. */
export function TextField({ label, value, onChange, error, hint, errorId, multiline, className, ...rest }: TextFieldProps) {
  const id = useId();
  const hintId = useId();
  const ownErrorId = useId();
  const describedBy = [hint ? hintId : null, errorId ?? (error ? ownErrorId : null)].filter(Boolean).join(' ');
  const common = {
    id,
    value,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy || undefined,
    className: cn(INPUT, error ? 'border-red-500' : 'border-slate-300'),
  };
  return (
    <div className={cn('flex min-w-0 flex-col gap-1', className)}>
      <label htmlFor={id} className={LABEL}>
        {label}
      </label>
      {multiline ? (
        <textarea {...common} rows={2} onChange={(event) => onChange(event.target.value)} />
      ) : (
        <input {...rest} {...common} onChange={(event) => onChange(event.target.value)} />
      )}
      {hint && (
        <p id={hintId} className="text-xs text-slate-600">
          {hint}
        </p>
      )}
      {errorId === undefined && error && <FieldError id={ownErrorId} message={error} />}
    </div>
  );
}
