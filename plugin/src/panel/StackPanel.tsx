import React from 'react';
import type { PanelProps } from '@grafana/data';
import { ControlView } from '../components/ControlView/ControlView';
import { HostSwitch } from '../components/HostSwitch/HostSwitch';
import type { StackPanelOptions } from '../types';
import { canAct } from '../utils/canAct';
import { useHosts } from '../utils/useHosts';

/** The control panel inside any dashboard: the chosen host's daemon, or every host at a glance. */
export function StackPanel({ options, width }: PanelProps<StackPanelOptions>) {
  const { hosts, error } = useHosts();
  return (
    <HostSwitch hosts={hosts} hostsError={error}>{(client, host) => <ControlView client={client} options={options} canAct={canAct()} width={width} host={host.name} />}</HostSwitch>
  );
}
