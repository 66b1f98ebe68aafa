import React from 'react';
import { Badge, type BadgeColor, InteractiveTable, type Column } from '@grafana/ui';
import type { JournalEntry } from '../../api/types';
import { actionWord } from '../../utils/actionWord';
import { formatTime } from '../../utils/format';

export const RESULT_COLOR: Record<string, BadgeColor> = {
  ok: 'green',
  failed: 'red',
  skipped: 'darkgrey',
  'dry-run': 'blue',
  noted: 'purple',
};

type Row = JournalEntry & { key: string };

/** Journal entries, newest first, their times in the user's Grafana time zone. */
export function JournalTable({ entries }: { entries: JournalEntry[] }) {
  const rows: Row[] = [...entries].reverse().map((entry, index) => ({ ...entry, key: `${entry.time}-${index}` }));
  const columns: Array<Column<Row>> = [
    {
      id: 'time',
      header: 'Time',
      cell: ({ row }) => formatTime(row.original.time),
    },
    { id: 'action', header: 'Action', cell: ({ row }) => actionWord(row.original.action) },
    { id: 'container', header: 'Container', cell: ({ row }) => row.original.container?.name ?? '–' },
    {
      id: 'result',
      header: 'Result',
      cell: ({ row }) => <Badge text={row.original.result} color={RESULT_COLOR[row.original.result] ?? 'darkgrey'} />,
    },
    { id: 'actor', header: 'By' },
    { id: 'reason', header: 'Reason', cell: ({ row }) => row.original.error ?? row.original.reason },
  ];
  return <InteractiveTable columns={columns} data={rows} getRowId={(row: Row) => row.key} pageSize={10} />;
}
