import React from 'react';
import type { PanelProps } from '@grafana/data';
import { LoadingPlaceholder } from '@grafana/ui';
import { ControlView } from '../components/ControlView/ControlView';
import { HostSwitch } from '../components/HostSwitch/HostSwitch';
import type { StackPanelOptions } from '../types';
import { canAct } from '../utils/canAct';
import { useHosts } from '../utils/useHosts';

/**
 * The control panel inside any dashboard: the chosen host's daemon, or every host at a glance. It
 * follows the dashboard's refresh and time range, besides its own refresh interval.
 */
export function StackPanel({ options, width, timeRange }: PanelProps<StackPanelOptions>) {
  const { hosts, ready, error } = useHosts();
  if (!ready) {
    // Reading the app's hosts first spares a read of a daemon the panel may not show.
    return <LoadingPlaceholder text="Loading breakwater's hosts…" />;
  }
  // Each dashboard refresh hands the panel a new time range: the panel reads again then, and its
  // journal covers that range.
  return (
    <HostSwitch hosts={hosts} hostsError={error}>
      {(client, host) => (
        <ControlView client={client} options={options} canAct={canAct()} width={width} host={host.name} timeRange={timeRange} />
      )}
    </HostSwitch>
  );
}
