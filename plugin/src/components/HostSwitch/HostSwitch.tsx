import React, { useEffect, useMemo, useState } from 'react';
import { locationService } from '@grafana/runtime';
import { Alert, RadioButtonGroup, Stack } from '@grafana/ui';
import { BreakwaterClient } from '../../api/client';
import type { BreakwaterHost } from '../../utils/hosts';
import { HostsOverview } from '../HostsOverview/HostsOverview';

/** The dashboard variable the chosen host is bound to, as Grafana keeps it in the URL. */
export const HOST_VARIABLE = 'var-host';
const ALL = '$__all';

interface Props {
  hosts: BreakwaterHost[];
  /** Why the configured hosts could not be read, when they could not. */
  hostsError?: string;
  /** What to show for one host, talking to it through its own client. */
  children: (client: BreakwaterClient, host: BreakwaterHost) => React.ReactNode;
}

/**
 * With several daemons configured: a host picker bound to the dashboard variable `host` (so the
 * panels below follow it), an "All hosts" overview, and the chosen host's view. With one daemon it
 * shows that daemon's view alone, as before.
 */
export function HostSwitch({ hosts, hostsError, children }: Props) {
  const wanted = useHostVariable();
  const chosen = typeof wanted === 'string' && wanted !== ALL ? hosts.find((host) => host.name === wanted) : undefined;
  const showAll = hosts.length > 1 && !chosen;
  const host = chosen ?? hosts[0];
  const client = useMemo(() => new BreakwaterClient(host.slot), [host.slot]);
  if (hosts.length <= 1) {
    return (
      <>
        {hostsError && (
          <Alert severity="warning" title="Only this machine's daemon is shown">
            {`The app's other hosts could not be read: ${hostsError}`}
          </Alert>
        )}
        {children(client, host)}
      </>
    );
  }
  const choose = (name: string) => locationService.partial({ [HOST_VARIABLE]: name }, true);
  return (
    <Stack direction="column" gap={2}>
      <RadioButtonGroup
        aria-label="Host"
        options={[{ value: ALL, label: 'All hosts' }, ...hosts.map((each) => ({ value: each.name, label: each.name }))]}
        value={showAll ? ALL : host.name}
        onChange={choose}
      />
      {showAll ? <HostsOverview hosts={hosts} onChoose={choose} /> : <div key={host.slot}>{children(client, host)}</div>}
    </Stack>
  );
}

/** The `host` variable's value in the URL, following every change (the dashboard's picker too). */
function useHostVariable(): unknown {
  const read = () => locationService.getSearchObject()[HOST_VARIABLE];
  const [value, setValue] = useState(read);
  useEffect(() => {
    const subscription = locationService.getLocationObservable().subscribe(() => setValue(read()));
    return () => subscription.unsubscribe();
  }, []);
  return value;
}
