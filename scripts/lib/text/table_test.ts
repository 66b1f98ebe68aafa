import assert from "node:assert/strict";
import { formatBytes, formatTable } from "./table.ts";

const HEADERS = ["STATUS", "CHECK", "FOUND", "FIX"];
const ROWS = [
  ["OK", "engine.reachable", "Docker 20.10.24 at unix:///var/run/docker.sock", ""],
  [
    "WARN",
    "nvidia.nvml",
    "NVML not found: tried libnvidia-ml.so.1 (No such file)".repeat(3),
    "install the driver",
  ],
];

Deno.test("tables: columns aligned two spaces apart, in full without a width", () => {
  const text = formatTable(HEADERS, ROWS);
  const lines = text.split("\n");
  assert.equal(lines.length, 3);
  assert.ok(lines[2].includes(ROWS[1][2]), "nothing cut");
  assert.equal(lines[0].indexOf("CHECK"), "STATUS".length + 2);
});

Deno.test("tables: fit a width by narrowing the widest columns, cut cells end in …", () => {
  for (const width of [100, 80]) {
    const lines = formatTable(HEADERS, ROWS, width).split("\n");
    for (const line of lines) assert.ok(line.length <= width, `${line.length} > ${width}: ${line}`);
    assert.match(lines[2], /…/);
    assert.ok(lines[1].includes("engine.reachable"), "short cells stay whole");
  }
  // Columns never go below their header or 8 characters, even if the table cannot fit.
  const narrow = formatTable(HEADERS, ROWS, 10).split("\n");
  assert.ok(narrow[0].startsWith("STATUS  CHECK"));
  assert.match(narrow[1], /^OK {6}engine\.…/);
});

Deno.test("bytes in binary units", () => {
  assert.equal(formatBytes(512 * 1024 ** 2), "512MiB");
  assert.equal(formatBytes(1.5 * 1024 ** 3), "1.5GiB");
});
