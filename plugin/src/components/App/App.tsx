import React, { useCallback, useState } from 'react';
import type { AppRootProps } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { FilterInput, RadioButtonGroup, Stack, Text } from '@grafana/ui';
import type { BreakwaterClient } from '../../api/client';
import { describeError } from '../../api/describeError';
import type { JournalEntry } from '../../api/types';
import type { AppJsonData } from '../../types';
import { canAct } from '../../utils/canAct';
import { useHosts } from '../../utils/useHosts';
import { usePoll } from '../../utils/usePoll';
import { ControlView } from '../ControlView/ControlView';
import { HostSwitch } from '../HostSwitch/HostSwitch';
import { JournalTable } from '../JournalTable/JournalTable';

const RESULTS = ['all', 'ok', 'failed', 'skipped', 'dry-run', 'noted'] as const;

/** The app's page: the control view full-page and the whole journal with filters, for the chosen host. */
export function App({ meta }: AppRootProps<AppJsonData>) {
  const { hosts, error } = useHosts(meta.jsonData);
  // PluginPage gives the page Grafana's title, breadcrumb and navigation.
  return (
    <PluginPage>
      <HostSwitch hosts={hosts} hostsError={error}>{(client, host) => <HostPage client={client} host={host.name} />}</HostSwitch>
    </PluginPage>
  );
}

function HostPage({ client, host }: { client: BreakwaterClient; host: string }) {
  const journal = usePoll<JournalEntry[]>(
    useCallback(() => client.journal({ limit: 1000 }), [client]),
    10_000
  );
  const entries = journal.data ?? [];
  const error = journal.error === undefined ? undefined : describeError(journal.error);
  const [search, setSearch] = useState('');
  const [result, setResult] = useState<(typeof RESULTS)[number]>('all');

  const needle = search.trim().toLowerCase();
  const shown = entries.filter(
    (entry) =>
      (result === 'all' || entry.result === result) &&
      (!needle ||
        [entry.action, entry.actor, entry.reason, entry.container?.name ?? ''].some((field) => field.toLowerCase().includes(needle)))
  );

  return (
    <Stack direction="column" gap={3}>
      <ControlView
        client={client}
        host={host}
        canAct={canAct()}
        options={{ scope: 'all', label: '', pattern: '', refreshSeconds: 10, showJournal: false, journalLimit: 10 }}
      />
      <Stack direction="column" gap={1}>
        <Text element="h3">Journal</Text>
        <Stack gap={1} alignItems="center" wrap="wrap">
          <FilterInput placeholder="Container, action, person or reason" value={search} onChange={setSearch} width={40} />
          <RadioButtonGroup options={RESULTS.map((value) => ({ value, label: value }))} value={result} onChange={setResult} size="sm" />
        </Stack>
        {/* The control view above already says when the daemon cannot be read. */}
        {error && entries.length > 0 && <Text color="secondary">{`Showing the journal as last read: ${error}`}</Text>}
        {!error || entries.length > 0 ? <JournalTable entries={shown} /> : null}
      </Stack>
    </Stack>
  );
}
