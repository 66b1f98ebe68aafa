/**
 * `deno task coverage`'s report: line coverage of every file under `scripts/lib`, including
 * those no test loads (Deno's own report leaves them out, which flatters the total), as 0 %.
 */
import { relative } from "node:path";
import { formatTable } from "../../scripts/lib/text/table.ts";

/** Lines found and hit in one file. */
export interface FileCoverage {
  file: string;
  found: number;
  hit: number;
  /** No test loaded the file. */
  unloaded: boolean;
}

/** Lines found (`LF`) and hit (`LH`) per source file (`SF`) of an lcov report. */
export function parseLcov(text: string): Map<string, { found: number; hit: number }> {
  const files = new Map<string, { found: number; hit: number }>();
  let current: { found: number; hit: number } | null = null;
  for (const line of text.split("\n")) {
    if (line.startsWith("SF:")) {
      current = { found: 0, hit: 0 };
      files.set(line.slice(3), current);
    } else if (current && line.startsWith("LF:")) current.found = Number(line.slice(3));
    else if (current && line.startsWith("LH:")) current.hit = Number(line.slice(3));
    else if (line === "end_of_record") current = null;
  }
  return files;
}

/** Lines that hold code: not blank, not comment, not an import (an estimate of lcov's `LF`). */
export function codeLines(source: string): number {
  let inComment = false;
  let count = 0;
  for (const raw of source.split("\n")) {
    const line = raw.trim();
    if (inComment || line.startsWith("/*")) {
      inComment = !line.includes("*/");
      continue;
    }
    if (line && !line.startsWith("//") && !line.startsWith("import ")) count++;
  }
  return count;
}

/** One row per file: measured ones from the report, the rest as unloaded with none hit. */
export function coverageRows(
  files: readonly string[],
  measured: Map<string, { found: number; hit: number }>,
  source: (file: string) => string,
): FileCoverage[] {
  return files.map((file) => {
    const seen = measured.get(file);
    return seen
      ? { file, ...seen, unloaded: false }
      : { file, found: codeLines(source(file)), hit: 0, unloaded: true };
  });
}

const percent = (hit: number, found: number) =>
  found === 0 ? "100.0" : (100 * hit / found).toFixed(1);

async function main(dir: string): Promise<number> {
  const root = new URL("../../", import.meta.url).pathname;
  const lib = `${root}scripts/lib`;
  const lcov = await new Deno.Command(Deno.execPath(), {
    args: ["coverage", dir, "--lcov", `--include=^file://${lib}`],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!lcov.success) return 1;
  const files: string[] = [];
  const walk = (folder: string) => {
    for (const entry of Deno.readDirSync(folder)) {
      const path = `${folder}/${entry.name}`;
      if (entry.isDirectory) walk(path);
      else if (path.endsWith(".ts") && !path.endsWith("_test.ts")) files.push(path);
    }
  };
  walk(lib);
  files.sort();
  const rows = coverageRows(
    files,
    parseLcov(new TextDecoder().decode(lcov.stdout)),
    (file) => Deno.readTextFileSync(file),
  );
  const found = rows.reduce((sum, row) => sum + row.found, 0);
  const hit = rows.reduce((sum, row) => sum + row.hit, 0);
  console.log(formatTable(
    ["FILE", "LINES", "HIT", "LINE %", ""],
    [
      ...rows.map((row) => [
        relative(lib, row.file),
        String(row.found),
        String(row.hit),
        percent(row.hit, row.found),
        row.unloaded ? "no test loads it" : "",
      ]),
      ["all of scripts/lib", String(found), String(hit), percent(hit, found), ""],
    ],
  ));
  const unloaded = rows.filter((row) => row.unloaded).length;
  console.log(
    `\n${rows.length} files, ${unloaded} loaded by no test; line coverage ${percent(hit, found)} %`,
  );
  return 0;
}

if (import.meta.main) Deno.exit(await main(Deno.args[0] ?? ".coverage"));
