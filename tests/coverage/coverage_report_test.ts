import assert from "node:assert/strict";
import { codeLines, coverageRows, parseLcov } from "./coverage_report.ts";

const LCOV = `SF:/p/a.ts
DA:1,1
LH:3
LF:4
end_of_record
SF:/p/b.ts
LH:0
LF:2
end_of_record
`;

Deno.test("coverage: lcov's lines found and hit per file", () => {
  assert.deepEqual([...parseLcov(LCOV)], [
    ["/p/a.ts", { found: 4, hit: 3 }],
    ["/p/b.ts", { found: 2, hit: 0 }],
  ]);
});

Deno.test("coverage: a file no test loads is a row with none of its code lines hit", () => {
  const source = `import { x } from "./x.ts";
/**
 * Doc.
 */
export function f(): number {
  // why
  return x;
}
`;
  assert.equal(codeLines(source), 3);
  assert.deepEqual(
    coverageRows(["/p/a.ts", "/p/c.ts"], parseLcov(LCOV), () => source),
    [
      { file: "/p/a.ts", found: 4, hit: 3, unloaded: false },
      { file: "/p/c.ts", found: 3, hit: 0, unloaded: true },
    ],
  );
});
