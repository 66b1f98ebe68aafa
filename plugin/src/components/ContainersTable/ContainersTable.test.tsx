import React from 'react';
import { render, screen } from '@testing-library/react';
import { containerFixture } from '../../test/fixtures';
import { ContainersTable } from './ContainersTable';

describe('ContainersTable', () => {
  it('keeps its buttons across a refresh with new numbers, so the focus and the pointer stay on them', () => {
    const onAction = jest.fn();
    const table = (cpuPercent: number) => (
      <ContainersTable containers={[containerFixture({ name: 'ingest', cpuPercent })]} canAct onAction={onAction} />
    );
    const { rerender } = render(table(1));
    const restart = screen.getByRole('button', { name: 'Restart ingest' });
    restart.focus();
    rerender(table(42));
    expect(screen.getByText(/^42(\.0)?\s?%/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Restart ingest' })).toBe(restart);
    expect(restart).toHaveFocus();
  });
});
