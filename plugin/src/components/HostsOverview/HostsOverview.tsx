import React, { useCallback } from 'react';
import { isFetchError } from '@grafana/runtime';
import { Badge, Button, InteractiveTable, Stack, Text, type Column } from '@grafana/ui';
import { BreakwaterClient } from '../../api/client';
import { describeError } from '../../api/describeError';
import type { Status } from '../../api/types';
import type { BreakwaterHost } from '../../utils/hosts';
import { usePoll } from '../../utils/usePoll';

/** How often the overview asks every host again. */
const REFRESH_MS = 10_000;

interface HostRow {
  id: string;
  host: BreakwaterHost;
  status?: Status;
  error?: unknown;
}

/** A word for the badge: a host that refuses the token answered, it is not unreachable. */
function reachWord(error: unknown): { text: string; color: 'orange' | 'red' } {
  if (isFetchError(error) && error.status === 401) {
    return { text: 'token refused', color: 'orange' };
  }
  if (isFetchError(error) && error.status === 403) {
    return { text: 'not allowed', color: 'orange' };
  }
  return { text: 'not answering', color: 'red' };
}

/** Each host at a glance: reachable, unhealthy containers, GPU pressure, whether the watchdog may act. */
export function HostsOverview({ hosts, onChoose }: { hosts: BreakwaterHost[]; onChoose: (name: string) => void }) {
  const load = useCallback(
    () =>
      Promise.all(
        hosts.map((host) =>
          new BreakwaterClient(host.slot).status().then(
            (status): HostRow => ({ id: host.name, host, status }),
            (error): HostRow => ({ id: host.name, host, error })
          )
        )
      ),
    [hosts]
  );
  const rows = usePoll(load, REFRESH_MS).data ?? hosts.map((host) => ({ id: host.name, host }));

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
      header: 'Daemon',
      cell: ({ row }) => {
        const { error, status } = row.original;
        if (error !== undefined) {
          const word = reachWord(error);
          return (
            <Stack direction="column" gap={0.5}>
              <Badge color={word.color} text={word.text} />
              <Text variant="bodySmall" color="secondary">
                {describeError(error)}
              </Text>
            </Stack>
          );
        }
        return status ? (
          <Badge color="green" text="yes" />
        ) : (
          <Badge color="blue" text="asking…" />
        );
      },
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
