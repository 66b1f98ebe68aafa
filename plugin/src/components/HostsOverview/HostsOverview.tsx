import React, { useEffect, useState } from 'react';
import { Badge, Button, InteractiveTable, type Column } from '@grafana/ui';
import { BreakwaterClient } from '../../api/client';
import { describeError } from '../../api/describeError';
import type { Status } from '../../api/types';
import type { BreakwaterHost } from '../../utils/hosts';

interface HostRow {
  id: string;
  host: BreakwaterHost;
  status?: Status;
  error?: string;
}

/** Each host at a glance: reachable, unhealthy containers, GPU pressure, whether the watchdog may act. */
export function HostsOverview({ hosts, onChoose }: { hosts: BreakwaterHost[]; onChoose: (name: string) => void }) {
  const [rows, setRows] = useState<HostRow[]>(hosts.map((host) => ({ id: host.name, host })));
  useEffect(() => {
    let live = true;
    Promise.all(
      hosts.map((host) =>
        new BreakwaterClient(host.slot).status().then(
          (status): HostRow => ({ id: host.name, host, status }),
          (error): HostRow => ({ id: host.name, host, error: describeError(error) })
        )
      )
    ).then((next) => live && setRows(next));
    return () => {
      live = false;
    };
  }, [hosts]);

  const columns: Array<Column<HostRow>> = [
    {
      id: 'host',
      header: 'Host',
      cell: ({ row }) => (
        <Button variant="secondary" fill="text" onClick={() => onChoose(row.original.host.name)}>
          {row.original.host.name}
        </Button>
      ),
    },
    {
      id: 'reachable',
      header: 'Reachable',
      cell: ({ row }) =>
        row.original.error ? (
          <Badge color="red" text={row.original.error} />
        ) : row.original.status ? (
          <Badge color="green" text="yes" />
        ) : (
          <Badge color="blue" text="asking…" />
        ),
    },
    {
      id: 'unhealthy',
      header: 'Unhealthy',
      cell: ({ row }) => {
        const count = row.original.status?.containers.filter((container) => container.health === 'unhealthy').length;
        return count === undefined ? '–' : <Badge color={count > 0 ? 'red' : 'green'} text={String(count)} />;
      },
    },
    {
      id: 'gpu',
      header: 'GPU pressure',
      cell: ({ row }) => {
        const state = row.original.status?.watchdog.state;
        if (!state) {
          return '–';
        }
        if (state === 'off') {
          return <Badge color="blue" text="not watched" />;
        }
        return <Badge color={state === 'tripped' ? 'red' : 'green'} text={state === 'tripped' ? 'tripped' : 'calm'} />;
      },
    },
    {
      id: 'armed',
      header: 'Armed',
      cell: ({ row }) => {
        const state = row.original.status?.watchdog.state;
        if (!state || state === 'off') {
          return '–';
        }
        return <Badge color={state === 'disarmed' ? 'orange' : 'green'} text={state === 'disarmed' ? 'disarmed' : 'armed'} />;
      },
    },
  ];
  return <InteractiveTable columns={columns} data={rows} getRowId={(row) => row.id} />;
}
