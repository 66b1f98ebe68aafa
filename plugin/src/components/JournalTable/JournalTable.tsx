import React from 'react';
import { dateTimeFormat } from '@grafana/data';
import { config } from '@grafana/runtime';
import { Badge, type BadgeColor, InteractiveTable, type Column } from '@grafana/ui';
import type { JournalEntry } from '../../api/types';

const RESULT_COLOR: Record<string, BadgeColor> = {
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
      cell: ({ row }) => dateTimeFormat(row.original.time, { timeZone: config.bootData.user?.timezone }),
    },
    // The panel's button says Resume; the engine's word for it is unpause.
    { id: 'action', header: 'Action', cell: ({ row }) => (row.original.action === 'unpause' ? 'resume' : row.original.action) },
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
