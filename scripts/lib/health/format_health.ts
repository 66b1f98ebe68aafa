import { formatDuration } from "../duration.ts";
import { formatBytes, formatTable } from "../text/table.ts";
import type { HealthRow } from "./health_row.ts";

/** The health rows as a readable table. */
export function formatHealthTable(rows: readonly HealthRow[], maxWidth?: number): string {
  if (rows.length === 0) return "No containers.";
  const headers = [
    "NAME",
    "STATE",
    "HEALTH",
    "RESTARTS",
    "UPTIME",
    "CPU %",
    "MEMORY / LIMIT",
    "CPU LIMIT",
    "MEM LIMIT",
    "HEAL",
    "PROTECTED",
  ];
  const body = rows.map((row) => [
    row.name,
    row.state,
    row.health,
    String(row.restarts),
    row.uptimeSeconds === null ? "-" : formatDuration(row.uptimeSeconds * 1_000),
    row.cpuPercent === null ? "-" : row.cpuPercent.toFixed(1),
    `${row.memoryBytes === null ? "-" : formatBytes(row.memoryBytes)} / ${
      row.memoryLimited ? formatBytes(row.memoryLimitBytes) : "unlimited"
    }`,
    row.cpuLimited ? `${(row.nanoCpus / 1e9).toFixed(2)}` : "no",
    row.memoryLimited ? "yes" : "no",
    row.heal ? "yes" : "no",
    row.protected ? "yes" : "no",
  ]);
  return formatTable(headers, body, maxWidth);
}
