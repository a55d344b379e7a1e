import { useId, type ReactNode } from 'react';
import { ChevronRightIcon } from './icons';
import { cn } from '../lib/cn';

export interface DisclosureProps {
  /** The button's text, e.g. "More options". */
  title: string;
  open: boolean;
  onToggle: (open: boolean) => void;
  children: ReactNode;
  className?: string;
}

/**
 * A button that shows and hides a section (the WAI-ARIA disclosure pattern): `aria-expanded` and
 * `aria-controls` on a real button, so Enter and Space work; the hidden section stays mounted.
 */
export function Disclosure({ title, open, onToggle, children, className }: DisclosureProps) {
  const panelId = useId();
  return (
    <div className={className}>
      <button
        type="button"
        aria-expanded={open}
        aria-controls={panelId}
        onClick={() => onToggle(!open)}
        className="-mx-2 inline-flex items-center gap-1 rounded-lg px-2 py-1 text-sm font-semibold text-slate-700 hover:bg-slate-100 hover:text-slate-900"
      >
        <ChevronRightIcon className={cn('h-4 w-4 transition-transform motion-reduce:transition-none', open && 'rotate-90')} />
        {title}
      </button>
      <div id={panelId} hidden={!open} className="mt-3">
        {children}
      </div>
    </div>
  );
}
