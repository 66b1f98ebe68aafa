/** Bytes in binary units: 512 MiB, 1.5 GiB. */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) {
    return '–';
  }
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 10 || unit === 0 ? Math.round(value) : value.toFixed(1)} ${units[unit]}`;
}

/** A percentage with one decimal, or a dash. */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${value.toFixed(1)} %`;
}
