import assert from "node:assert/strict";

/** What `readHostCpu` finds in a Deno started with `flags`: as the health task's permissions do. */
async function hostCpuUnder(flags: string[]): Promise<unknown> {
  // `deno eval` runs with every permission: a script file runs with the flags given.
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  await Deno.writeTextFile(
    script,
    `import { readHostCpu } from "${new URL("./cgroup_stats.ts", import.meta.url)}";
    console.log(JSON.stringify(readHostCpu() ?? null));`,
  );
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--no-config", ...flags, script],
    stdout: "piped",
    stderr: "piped",
  }).output();
  await Deno.remove(script);
  assert.ok(output.success, new TextDecoder().decode(output.stderr));
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

Deno.test({
  name:
    "/proc and /sys: read directly with --allow-all, through grep with --allow-read and run=grep, else not at all",
  ignore: Deno.build.os !== "linux",
  async fn() {
    const direct = await hostCpuUnder(["--allow-all"]);
    const throughGrep = await hostCpuUnder(["--allow-read", "--allow-run=grep"]);
    const neither = await hostCpuUnder(["--allow-read"]);
    assert.ok(typeof direct === "object" && direct !== null && "cpus" in direct);
    assert.equal(
      (throughGrep as { cpus: number }).cpus,
      (direct as { cpus: number }).cpus,
      "the same /proc/stat",
    );
    assert.equal(neither, null, "nothing read: every container from the engine");
  },
});
