import { formattedValueToString, getValueFormat } from '@grafana/data';

/** Bytes in binary units as Grafana writes them (its `bytes` unit): 512 MiB, 1.50 GiB; a dash when unknown. */
export function formatBytes(bytes: number | null | undefined): string {
  return bytes === null || bytes === undefined ? '–' : formattedValueToString(getValueFormat('bytes')(bytes));
}

/** A percentage as Grafana writes it (its `percent` unit), one decimal; a dash when unknown. */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : formattedValueToString(getValueFormat('percent')(value, 1));
}
