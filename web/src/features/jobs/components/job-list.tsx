import type { JobEntry } from '../hooks/use-jobs';
import { JobTile } from './job-tile';

export interface JobListProps {
  entries: JobEntry[];
  onCancel: (id: string) => void;
  onRetry: (id: string) => void;
  onDismiss: (id: string) => void;
}

/**
 * The tab's generations, newest first, as grid items: the list is `display: contents`, so its
 * tiles sit in the grid of whatever contains it (the gallery's, before the images).
 */
export function JobList({ entries, onCancel, onRetry, onDismiss }: JobListProps) {
  if (entries.length === 0) return null;
  return (
    <ul role="list" className="contents" aria-label="Your generations">
      {entries.map((entry) => (
        <JobTile key={entry.id} entry={entry} onCancel={onCancel} onRetry={onRetry} onDismiss={onDismiss} />
      ))}
    </ul>
  );
}
