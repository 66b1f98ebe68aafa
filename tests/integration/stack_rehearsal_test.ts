import assert from "node:assert/strict";
import { join } from "node:path";
import { parse } from "yaml";
import { buildLookalikeImages } from "../support/lookalike_images.ts";
import { NetworkNamespace } from "../support/network_namespace.ts";
import { PrivateEngine } from "../support/private_engine.ts";
import { waitFor } from "../support/wait.ts";
import { pluginNeedsBuild, readPluginTimes } from "../../scripts/lib/stack/plugin_build.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
/** An ordinary user, in no group of root's: not in /etc/passwd, as far as the programs care. */
const USER = { uid: 4242, gid: 4242 };
/** The services `deno task up` runs as the user; node-exporter keeps its image's user. */
const AS_USER = ["alertmanager", "grafana", "ollama", "openclaw", "prometheus"];

const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Runs a program on this machine and fails the test with its output when it fails. */
async function succeeds(program: string, args: string[]): Promise<void> {
  const output = await new Deno.Command(program, { args }).output();
  assert.ok(output.success, `${program} ${args.join(" ")}: ${decode(output.stderr)}`);
}

/** The processes running as `uid` (their real user id, from /proc). */
async function processesOf(uid: number): Promise<number[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    const status = await Deno.readTextFile(`/proc/${entry.name}/status`).catch(() => "");
    if (new RegExp(`^Uid:\\s+${uid}\\s`, "m").test(status)) pids.push(Number(entry.name));
  }
  return pids;
}

/** The images compose.yaml names for its default services (an image variable's default). */
function stackImages(): Record<string, string> {
  const compose = parse(Deno.readTextFileSync(join(ROOT, "compose/compose.yaml")), {
    merge: true,
  }) as { services: Record<string, { image?: string; profiles?: string[] }> };
  return Object.fromEntries(
    Object.entries(compose.services).filter(([, service]) => !service.profiles && service.image)
      .map(([name, service]) => [name, service.image!.replace(/^\$\{\w+:-(.*)\}$/, "$1")]),
  );
}

/**
 * The whole stack as shipped, from a fresh clone owned by an ordinary user who runs every command,
 * on an engine of its own in a network namespace (its docker0 bridge is host.docker.internal, as on
 * a stock Linux machine; nothing leaves the namespace) without the NVIDIA runtime, with images that
 * run as the official ones do, and Debian's docker-compose as the Compose.
 */
Deno.test({
  name:
    "stack rehearsal: deno task up from a fresh clone as an ordinary user to a dashboard with data",
  async fn(t) {
    const namespace = await NetworkNamespace.create();
    const engine = await PrivateEngine.start({ enter: namespace.enter, socketOwner: USER.uid });
    const dir = await Deno.makeTempDir({ prefix: "breakwater-rehearsal-" });
    await Deno.chmod(dir, 0o755);
    const clone = join(dir, "clone");
    const home = join(dir, "home");
    let daemon: Deno.ChildProcess | null = null;

    /** A command as the user, inside the namespace, in the clone. */
    const asUser = (args: string[], output: "piped" | "null" = "piped") =>
      new Deno.Command("nsenter", {
        args: [
          `--net=/run/netns/${namespace.name}`,
          "setpriv",
          `--reuid=${USER.uid}`,
          `--regid=${USER.gid}`,
          "--clear-groups",
          "env",
          "-i",
          `HOME=${home}`,
          `PATH=/usr/local/bin:/usr/bin:/bin`,
          "NO_COLOR=1",
          ...args,
        ],
        cwd: clone,
        stdout: output,
        stderr: output,
      });
    const run = async (args: string[]) => {
      const output = await asUser(args).output();
      return { code: output.code, stdout: decode(output.stdout), stderr: decode(output.stderr) };
    };
    const up = async () => {
      const result = await run(["deno", "task", "-q", "up", "--json", "--timeout", "240"]);
      assert.equal(result.code, 0, result.stderr);
      return JSON.parse(result.stdout);
    };
    /** A GET inside the namespace, as a program of this machine would send it. */
    const getInside = (url: string) =>
      new Deno.Command("nsenter", {
        args: [...namespace.enter.slice(1), "busybox", "wget", "-qO-", url],
        stdout: "piped",
        stderr: "piped",
      }).output();
    /** An answer of Prometheus's API, asked inside the namespace as this machine's user would. */
    const prometheus = async (path: string) => {
      const output = await getInside(`http://127.0.0.1:9090${path}`);
      assert.ok(output.success, decode(output.stderr));
      return JSON.parse(decode(output.stdout)).data;
    };
    const breakwaterTarget = async () =>
      (await prometheus("/api/v1/targets?state=active")).activeTargets
        .find((target: { labels: { job: string } }) => target.labels.job === "breakwater");
    const stackContainers = async () =>
      (await engine.docker.listContainers({
        filters: { label: [`com.docker.compose.project.working_dir=${join(clone, "compose")}`] },
      })).map((container) => ({
        id: container.Id,
        service: container.Labels["com.docker.compose.service"],
      })).sort((a, b) => a.service.localeCompare(b.service));

    try {
      await t.step("a fresh clone, owned by the user, who starts breakwater", async () => {
        await buildLookalikeImages(engine.docker, stackImages());
        // What an earlier stack kept in a Docker-managed volume, now in a data folder.
        await engine.docker.createVolume({ Name: "breakwater_openclaw-state" });
        await succeeds("git", ["clone", "--quiet", ROOT, clone]);
        // What a first `deno task watch` and `npm run build` leave (no registry in the namespace):
        // built here first where the suite runs before the plugin's own build (a fresh CI machine).
        if (pluginNeedsBuild(await readPluginTimes(join(ROOT, "plugin")))) {
          await succeeds("npm", ["--prefix", join(ROOT, "plugin"), "run", "build"]);
        }
        await succeeds("cp", ["-a", join(ROOT, "node_modules"), clone]);
        await succeeds("cp", ["-a", join(ROOT, "plugin/dist"), join(clone, "plugin")]);
        await succeeds("find", [join(clone, "plugin/dist"), "-exec", "touch", "-h", "{}", "+"]);
        await Deno.mkdir(home);
        // As docs/stack.md says for Linux: listen on the docker0 bridge's address.
        await Deno.writeTextFile(
          join(clone, "breakwater.yaml"),
          `api:\n  host: 172.17.0.1\ndocker:\n  host: unix://${engine.socket}\n`,
        );
        await succeeds("chown", ["-R", `${USER.uid}:${USER.gid}`, clone, home]);
        daemon = asUser(["deno", "task", "-q", "watch"], "null").spawn();
        await waitFor(
          "breakwater to listen on the bridge",
          async () => (await getInside("http://172.17.0.1:8787/healthz")).success,
          { timeoutMs: 60_000 },
        );
      });

      let first: Array<{ id: string; service: string }> = [];
      let token = "";
      await t.step(
        "deno task up, from nothing to a dashboard with data, in one command",
        async () => {
          const { outcome, steps } = await up();
          assert.equal(outcome.status, "up");
          assert.equal(outcome.gpu, false, "no NVIDIA runtime here: Ollama on CPU");
          const detail = (name: string) =>
            steps.filter((step: { name: string }) => step.name === name)
              .map((step: { detail: string }) => step.detail).join("\n");
          assert.match(detail("compose"), /^docker-compose 1\./);
          assert.match(detail("gpu"), /Ollama on CPU: the engine has no NVIDIA runtime/);
          assert.match(
            detail("daemon"),
            /breakwater answers the containers at host\.docker\.internal:8787 \(172\.17\.0\.1\)/,
          );
          assert.match(detail("data"), /1 breakwater target\(s\) up \(host local\)/);
          assert.match(
            detail("data"),
            /volume breakwater_openclaw-state holds what an earlier stack kept there; .*compose\/data\/openclaw\/\.openclaw\. Carry it over with: docker run --rm -v breakwater_openclaw-state:\/from:ro/,
          );

          const env = await Deno.readTextFile(join(clone, "compose/.env"));
          assert.match(env, /^COMPOSE_FILE=compose\.yaml$/m);
          assert.match(env, new RegExp(`^BREAKWATER_USER=${USER.uid}:${USER.gid}$`, "m"));
          token = (await Deno.readTextFile(join(clone, "compose/secrets/breakwater-token"))).trim();
          const generated = join(home, ".local/state/breakwater/api-token");
          assert.equal(
            token,
            (await Deno.readTextFile(generated)).trim(),
            "breakwater's own token",
          );

          // Private to the user, usable by the services running as the user.
          const owned = async (path: string, mode: number) => {
            const info = await Deno.stat(path);
            assert.deepEqual([info.uid, info.mode! & 0o777], [USER.uid, mode], path);
          };
          await owned(join(clone, "compose/secrets/breakwater-token"), 0o600);
          await owned(join(clone, "compose/.env"), 0o600);
          for (const folder of ["ollama", "prometheus", "grafana", "alertmanager", "openclaw"]) {
            await owned(join(clone, "compose/data", folder), 0o700);
          }

          first = await stackContainers();
          assert.deepEqual(
            first.map((container) => container.service).sort(),
            Object.keys(stackImages()).sort(),
          );
          for (const { id, service } of first) {
            const info = await engine.docker.getContainer(id).inspect();
            assert.equal(info.State.Health?.Status, "healthy", service);
            if (AS_USER.includes(service)) {
              assert.equal(info.Config.User, `${USER.uid}:${USER.gid}`, service);
            }
            if (service === "ollama") {
              assert.equal(info.HostConfig.DeviceRequests?.length ?? 0, 0);
            }
          }
        },
      );

      await t.step(
        "Prometheus scrapes breakwater with its host label and has the rules",
        async () => {
          const target = await breakwaterTarget();
          assert.equal(target.health, "up", target.lastError);
          assert.equal(target.labels.host, "local");
          const groups = (await prometheus("/api/v1/rules")).groups;
          const names = groups.flatMap((group: { rules: Array<{ name: string }> }) =>
            group.rules.map((rule) => rule.name)
          );
          assert.ok(names.includes("BreakwaterDown"), names.join(", "));
        },
      );

      await t.step(
        "the Grafana look-alike finds its data writable and the app's token",
        async () => {
          const report = JSON.parse(
            await Deno.readTextFile(join(clone, "compose/data/grafana/lookalike.json")),
          );
          assert.deepEqual(report, {
            uid: USER.uid,
            gid: USER.gid,
            permissionsOk: true,
            tokenReference: "$BREAKWATER_TOKEN",
            token,
            plugin: true,
          });
        },
      );

      await t.step(
        "the control API answers the stack's network with the provisioned token and Host",
        async () => {
          const grafana = first.find((container) => container.service === "grafana")!;
          const exec = await new Deno.Command("docker", {
            args: [
              "-H",
              `unix://${engine.socket}`,
              "exec",
              grafana.id,
              "sh",
              "-c",
              'wget -qO- --header "Authorization: Bearer $BREAKWATER_TOKEN" "$BREAKWATER_API_URL/api/v1/status"',
            ],
            stdout: "piped",
            stderr: "piped",
          }).output();
          assert.ok(exec.success, decode(exec.stderr));
          const body = decode(exec.stdout);
          const status = JSON.parse(body);
          const names = status.containers.map((container: { name: string }) => container.name);
          assert.ok(names.some((name: string) => name.includes("grafana")), names.join(", "));
        },
      );

      await t.step("deno task up again changes nothing and keeps the target up", async () => {
        const { outcome } = await up();
        assert.equal(outcome.status, "up");
        assert.deepEqual(await stackContainers(), first, "the same containers");
        assert.equal((await breakwaterTarget()).health, "up");
      });

      await t.step("down, then up, keeps the data", async () => {
        const down = await run(["deno", "task", "-q", "down"]);
        assert.equal(down.code, 0, down.stderr);
        assert.deepEqual(await stackContainers(), []);
        const { outcome } = await up();
        assert.equal(outcome.status, "up");
        const again = await stackContainers();
        assert.equal(again.length, first.length);
        assert.ok(again.every((container) => !first.some((old) => old.id === container.id)));
        const starts = (await Deno.readTextFile(join(clone, "compose/data/grafana/grafana.db")))
          .trim().split("\n");
        assert.equal(starts.length, 2, "Grafana's database kept across down and up");
        assert.ok((await Deno.stat(join(clone, "compose/data/prometheus/wal"))).isDirectory);
      });

      await t.step("what the containers wrote is the user's to remove, without sudo", async () => {
        const down = await run(["deno", "task", "-q", "down"]);
        assert.equal(down.code, 0, down.stderr);
        const removed = await run(["rm", "-rf", "compose/data"]);
        assert.equal(removed.code, 0, removed.stderr);
        assert.equal(await Deno.stat(join(clone, "compose/data")).catch(() => null), null);
      });
    } finally {
      const running = daemon as Deno.ChildProcess | null;
      if (running) {
        running.kill("SIGTERM");
        await running.status;
      }
      // deno task leaves its child running: end whatever the user still runs.
      for (const pid of await processesOf(USER.uid)) {
        try {
          Deno.kill(pid, "SIGKILL");
        } catch {
          // gone meanwhile
        }
      }
      for (const container of await engine.docker.listContainers({ all: true })) {
        await engine.docker.getContainer(container.Id).remove({ force: true }).catch(() => {});
      }
      await engine.stop();
      await namespace.remove();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
