import React from 'react';
import { render, screen } from '@testing-library/react';
import { config } from '@grafana/runtime';
import { journalFixture } from '../../test/fixtures';
import { JournalTable } from './JournalTable';

describe('JournalTable', () => {
  it("writes times in the user's Grafana time zone, not the browser's", () => {
    const user = config.bootData.user;
    config.bootData.user = { ...user, timezone: 'Asia/Tokyo' };
    try {
      render(<JournalTable entries={[journalFixture[0]]} />);
      // 03:05 UTC is 12:05 in Tokyo.
      expect(screen.getByText(/2026-11-27 12:05:00/)).toBeInTheDocument();
    } finally {
      config.bootData.user = user;
    }
  });
});
