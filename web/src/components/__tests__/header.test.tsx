import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeConfig } from '../../testing/fixtures';
import { Header, OFFLINE_FALLBACK_LABEL } from '../header';

describe('Header', () => {
  it('names the product and shows the provider and model', () => {
    render(<Header config={makeConfig({ provider: 'openai', model: 'dall-e-3', offline: false, label: null })} />);
    expect(screen.getByRole('heading', { level: 1, name: 'VisionaryAI' })).toBeInTheDocument();
    expect(screen.getByTestId('provider-model')).toHaveTextContent('openai');
    expect(screen.getByTestId('provider-model')).toHaveTextContent('dall-e-3');
    expect(screen.queryByTestId('offline-badge')).not.toBeInTheDocument();
  });

  it('shows the config label as a badge when offline', () => {
    render(<Header config={makeConfig({ offline: true, label: 'Offline demo — procedural art, not an AI model' })} />);
    expect(screen.getByTestId('offline-badge')).toHaveTextContent('Offline demo — procedural art, not an AI model');
  });

  it('falls back to a clear badge text when offline without a label', () => {
    render(<Header config={makeConfig({ offline: true, label: '' })} />);
    expect(screen.getByTestId('offline-badge')).toHaveTextContent(OFFLINE_FALLBACK_LABEL);
  });

  it('says so when the config could not be loaded', () => {
    render(<Header config={undefined} configError={new Error('down')} />);
    expect(screen.getByText('Server configuration unavailable')).toBeInTheDocument();
  });

  it('shows the actions it is given after the badges', () => {
    render(<Header config={makeConfig()} actions={<button type="button">Admin</button>} />);
    expect(screen.getByRole('button', { name: 'Admin' })).toBeInTheDocument();
  });
});
