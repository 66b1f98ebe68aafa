import { TestContainers } from "../support/containers.ts";
import { createWorkspace, taskArgs } from "../support/daemon.ts";
import { mapConcurrent } from "../../scripts/lib/concurrency.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
/** The first commit: its `deno task health`, the script breakwater's is measured against. */
export const SEED_COMMIT = "ba8b99a59868469c14832c2c7fa00ec0c65f2711";

/** Wall times of `deno task health --json`, this tree's and the seed's, on the same containers. */
export interface HealthSideBySide {
  ours: number[];
  seed: number[];
}

/**
 * Whole-process wall time (process start to exit) of `deno task health --json` with `count`
 * running containers of its own on the engine, over `runs` runs each, run as the task runs it
 * (its own permission set) and, alternating with it, the seed's script as its task ran it.
 */
export async function benchHealthWallTime(count: number, runs = 5): Promise<HealthSideBySide> {
  const containers = new TestContainers();
  const workspace = await createWorkspace();
  const seedDir = await Deno.makeTempDir({ prefix: "breakwater-seed-" });
  const times: HealthSideBySide = { ours: [], seed: [] };
  try {
    await extractSeed(seedDir);
    await mapConcurrent(
      Array.from({ length: count }, (_, i) => i),
      8,
      (index) => containers.create(`health-${index}`, { health: "none" }),
    );
    const ours = { cwd: ROOT, args: [...await taskArgs("health"), "--json"] };
    ours.args.push("--config", workspace.configPath);
    const seed = { cwd: seedDir, args: [...await taskArgs("health", seedDir), "--json"] };
    for (const tree of [ours, seed]) await timeHealth(tree, containers, count); // warm the caches
    for (let run = 0; run < runs; run++) {
      times.ours.push(await timeHealth(ours, containers, count));
      times.seed.push(await timeHealth(seed, containers, count));
    }
  } finally {
    await containers.removeAll();
    await workspace.remove();
    await Deno.remove(seedDir, { recursive: true });
  }
  return times;
}

/** The seed's tree, from git, with its npm packages installed. */
async function extractSeed(dir: string): Promise<void> {
  const archive = new Deno.Command("git", {
    args: ["-C", ROOT, "archive", SEED_COMMIT],
    stdout: "piped",
  }).spawn();
  const untar = new Deno.Command("tar", { args: ["-x", "-C", dir], stdin: "piped" }).spawn();
  await archive.stdout.pipeTo(untar.stdin);
  if (!(await archive.status).success || !(await untar.status).success) {
    throw new Error(`cannot extract the seed (${SEED_COMMIT}): is this a full clone?`);
  }
  const install = await new Deno.Command(Deno.execPath(), {
    args: ["install", "-q"],
    cwd: dir,
  }).output();
  if (!install.success) throw new Error(`the seed's npm packages: ${decode(install.stderr)}`);
}

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

async function timeHealth(
  { cwd, args }: { cwd: string; args: string[] },
  containers: TestContainers,
  count: number,
): Promise<number> {
  const start = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args,
    cwd,
    stdout: "piped",
    stderr: "piped",
  })
    .output();
  const elapsed = performance.now() - start;
  const text = decode(output.stdout);
  if (!text.startsWith("{")) throw new Error(`health in ${cwd}: ${decode(output.stderr)}`);
  const rows = JSON.parse(text).containers as { name: string }[];
  const mine = rows.filter((row) => row.name.startsWith(containers.name("health-")));
  if (mine.length !== count) {
    throw new Error(`health in ${cwd} listed ${mine.length} of ${count} containers`);
  }
  return elapsed;
}
