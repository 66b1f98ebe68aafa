import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);

Deno.test("docs/architecture.md names every entry script and every folder under scripts/lib", () => {
  const doc = Deno.readTextFileSync(new URL("docs/architecture.md", ROOT));
  const layout = doc.slice(doc.indexOf("```\n"), doc.lastIndexOf("```"));
  const scripts = [...Deno.readDirSync(new URL("scripts/", ROOT))]
    .filter((entry) => entry.isFile && entry.name.endsWith(".ts"))
    .map((entry) => entry.name.replace(/\.ts$/, ""));
  const entryLine = layout.slice(layout.indexOf("scripts/ "), layout.indexOf("scripts/lib/"));
  for (const script of scripts) {
    assert.match(entryLine, new RegExp(`\\b${script}\\b`), `entry script ${script}`);
  }
  const areas = [...Deno.readDirSync(new URL("scripts/lib/", ROOT))]
    .filter((entry) => entry.isDirectory).map((entry) => entry.name);
  assert.ok(areas.length >= 20, `${areas.length} areas`);
  for (const area of areas) assert.match(layout, new RegExp(`^  ${area}/ `, "m"), `area ${area}`);
  const listed = [...layout.matchAll(/^ {2}([a-z_]+)\/ /gm)].map((match) => match[1]);
  assert.deepEqual(listed.sort(), areas.sort(), "no area listed that does not exist");
});

Deno.test("no area under scripts/lib imports the command layer (cli/)", async () => {
  const offenders: string[] = [];
  const walk = async (dir: URL): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isDirectory && entry.name !== "cli") await walk(new URL(`${entry.name}/`, dir));
      if (!entry.isFile || !entry.name.endsWith(".ts")) continue;
      const text = await Deno.readTextFile(new URL(entry.name, dir));
      if (/["'](\.\.\/)+cli\//.test(text)) offenders.push(new URL(entry.name, dir).pathname);
    }
  };
  await walk(new URL("scripts/lib/", ROOT));
  assert.deepEqual(offenders, []);
});
