import React from 'react';
import { Badge, type BadgeColor, Button, Stack, Text } from '@grafana/ui';
import type { Status } from '../../api/types';
import { formatBytes, formatPercent } from '../../utils/format';

interface Props {
  gpu: Status['gpu'];
  watchdog: Status['watchdog'];
  canAct: boolean;
  onWatchdog: (action: 'arm' | 'disarm') => void;
}

const WATCHDOG_COLOR: Record<string, BadgeColor> = { armed: 'green', tripped: 'red', disarmed: 'orange', off: 'darkgrey' };

/** GPU readings and the watchdog's state, streak and next rung, with arm/disarm for editors. */
export function GpuSummary({ gpu, watchdog, canAct, onWatchdog }: Props) {
  return (
    <Stack direction="column" gap={1}>
      <Stack gap={1} alignItems="center" wrap="wrap">
        <Text weight="medium">GPU watchdog</Text>
        <Badge text={watchdog.state} color={WATCHDOG_COLOR[watchdog.state] ?? 'darkgrey'} />
        {watchdog.enabled && (
          <Text color="secondary">
            streak {watchdog.highStreak}/{watchdog.streak}
            {watchdog.nextRung ? ` · next rung: ${watchdog.nextRung}` : ''}
            {watchdog.paused.length > 0 ? ` · holding paused: ${watchdog.paused.map((held) => held.name).join(', ')}` : ''}
          </Text>
        )}
        {canAct && watchdog.enabled && (
          <Button
            size="sm"
            variant="secondary"
            icon={watchdog.armed ? 'pause' : 'play'}
            onClick={() => onWatchdog(watchdog.armed ? 'disarm' : 'arm')}
          >
            {watchdog.armed ? 'Disarm' : 'Arm'}
          </Button>
        )}
      </Stack>
      {gpu.gpus.length === 0 ? (
        <Text color="secondary">{gpu.error ? `GPU reading failed: ${gpu.error}` : `No GPU reading: ${gpu.reason}`}</Text>
      ) : (
        gpu.gpus.map((device) => {
          const used = device.memoryUsedBytes ?? 0;
          const total = device.memoryTotalBytes ?? 0;
          const percent = total > 0 ? (used / total) * 100 : null;
          return (
            <Stack key={device.uuid} gap={2} wrap="wrap" alignItems="center">
              <Text weight="medium">
                GPU {device.index}: {device.name}
              </Text>
              <Badge
                text={`VRAM ${formatPercent(percent)}`}
                color={percent !== null && percent >= 95 ? 'red' : percent !== null && percent >= 90 ? 'orange' : 'green'}
              />
              <Text color="secondary">
                {formatBytes(device.memoryUsedBytes)} / {formatBytes(device.memoryTotalBytes)} · util{' '}
                {formatPercent(device.utilizationPercent)} · {device.temperatureCelsius ?? '–'} °C · {device.powerWatts?.toFixed(0) ?? '–'} W
              </Text>
            </Stack>
          );
        })
      )}
    </Stack>
  );
}
