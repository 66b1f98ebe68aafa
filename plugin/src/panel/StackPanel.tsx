import React, { useMemo } from 'react';
import type { PanelProps } from '@grafana/data';
import { BreakwaterClient } from '../api/client';
import { ControlView } from '../components/ControlView/ControlView';
import type { StackPanelOptions } from '../types';
import { canAct } from '../utils/canAct';

/** The control panel inside any dashboard. */
export function StackPanel({ options }: PanelProps<StackPanelOptions>) {
  const client = useMemo(() => new BreakwaterClient(), []);
  return <ControlView client={client} options={options} canAct={canAct()} />;
}
