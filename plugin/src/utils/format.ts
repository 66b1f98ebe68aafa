import { dateTimeFormat, dateTimeFormatTimeAgo, formattedValueToString, getValueFormat } from '@grafana/data';
import { config } from '@grafana/runtime';

/** Bytes in binary units as Grafana writes them (its `bytes` unit): 512 MiB, 1.50 GiB; a dash when unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '–' : formattedValueToString(getValueFormat('bytes')(bytes));
}

/** A percentage as Grafana writes it (its `percent` unit), one decimal; a dash when unknown. */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : formattedValueToString(getValueFormat('percent')(value, 1));
}

/** A moment in the user's Grafana time zone. */
export function formatTime(time: string): string {
  return dateTimeFormat(time, { timeZone: config.bootData.user?.timezone });
}

/** How long ago a moment was, as Grafana says it: "3 minutes ago". */
export function formatAgo(time: string): string {
  return dateTimeFormatTimeAgo(time, { timeZone: config.bootData.user?.timezone });
}
