/**
 * `deno task schedule install|uninstall|print --mode cron|systemd|windows`: runs breakwater at
 * boot or logon, or once a minute with `--once`.
 * @module
 */
import { UsageError } from "./lib/usage_error.ts";
import { dirname, join, resolve } from "node:path";
import { COMMON_OPTIONS, runCommand } from "./lib/cli/command.ts";
import { ExitCode } from "./lib/cli/exit_code.ts";
import { loadConfig } from "./lib/config/load_config.ts";
import { isWsl } from "./lib/gpu/platform.ts";
import { cronLine, withCronLine, withoutCronLines } from "./lib/schedule/cron.ts";
import type { ScheduleTarget } from "./lib/schedule/schedule_target.ts";
import { systemdEnableCommands, systemdUnits, systemdUserDir } from "./lib/schedule/systemd.ts";
import { windowsPathOf } from "./lib/schedule/windows_path.ts";
import {
  schtasksCommand,
  TASK_NAME,
  utf16le,
  windowsTaskXml,
} from "./lib/schedule/windows_task.ts";

const MODES = ["cron", "systemd", "windows"] as const;
const VERBS = ["print", "install", "uninstall"] as const;

await runCommand({
  usage: `Usage: deno task schedule print|install|uninstall --mode cron|systemd|windows [--once]

Schedules \`deno task watch\` for this project.

  --mode cron      crontab line: the daemon @reboot, or with --once \`watch --once\` every minute;
                   install edits your crontab (crontab -l / crontab -), replacing its earlier line
  --mode systemd   user units in ~/.config/systemd/user: breakwater.service (restart on failure),
                   or with --once breakwater-once.service + breakwater-once.timer (every minute)
  --mode windows   a Task Scheduler XML (at logon, restart on failure; with --once every minute) and
                   the schtasks command that registers it, with the path as Windows opens it; run
                   it on Windows or inside WSL2 (where it runs breakwater through wsl.exe)
  --once           schedule one pass a minute instead of the long-running daemon
  --output PATH    where to write the Windows XML (default: <stateDir>/breakwater-task.xml)
  --json           print what would be (or was) written and run
  -c, --config     config file passed on to watch (default: ./breakwater.yaml if present)

print shows what install would write; install is idempotent; uninstall removes it.`,
  options: {
    ...COMMON_OPTIONS,
    mode: { type: "string" },
    once: { type: "boolean", default: false },
    output: { type: "string" },
  },
  positionals: [VERBS.join("|")],
  async run(values, positionals) {
    const verb = positionals[0] as (typeof VERBS)[number] | undefined;
    if (!verb || !VERBS.includes(verb)) throw new UsageError(`say what to do: ${VERBS.join(", ")}`);
    const mode = values.mode as (typeof MODES)[number] | undefined;
    if (!mode || !MODES.includes(mode)) {
      throw new UsageError(`--mode must be one of ${MODES.join(", ")}`);
    }
    const { config, path } = await loadConfig({ path: values.config });
    const projectDir = resolve(dirname(new URL(import.meta.url).pathname), "..");
    const target: ScheduleTarget = {
      projectDir,
      deno: Deno.execPath(),
      configPath: path,
      logDir: config.stateDir,
      once: values.once,
    };
    const plan = await planFor(
      mode,
      verb,
      target,
      values.output ?? join(config.stateDir, "breakwater-task.xml"),
    );
    if (verb !== "print") await plan.apply();
    if (values.json) {
      console.log(
        JSON.stringify({ mode, verb, files: plan.files, commands: plan.commands }, null, 2),
      );
    } else {
      for (const file of plan.files) {
        console.log(
          `${
            verb === "print" ? "would write" : verb === "install" ? "wrote" : "removed"
          } ${file.path}${file.content ? `:\n\n${file.content}` : ""}`,
        );
      }
      if (plan.commands.length > 0) {
        console.log(
          `\n${verb === "print" ? "then run" : "now run"}:\n  ${plan.commands.join("\n  ")}`,
        );
      }
    }
    return ExitCode.Ok;
  },
});

interface Plan {
  files: { path: string; content?: string }[];
  commands: string[];
  apply(): Promise<void>;
}

async function planFor(
  mode: string,
  verb: string,
  target: ScheduleTarget,
  xmlPath: string,
): Promise<Plan> {
  if (mode === "cron") {
    const line = cronLine(target);
    const current = verb === "print" ? "" : await readCrontab();
    const next = verb === "uninstall" ? withoutCronLines(current) : withCronLine(current, line);
    return {
      files: [{ path: "crontab", content: verb === "uninstall" ? undefined : line }],
      commands: [],
      apply: async () => {
        await Deno.mkdir(target.logDir, { recursive: true });
        await writeCrontab(next);
      },
    };
  }
  if (mode === "systemd") {
    const dir = systemdUserDir((name) => Deno.env.get(name));
    const units = systemdUnits(target);
    return {
      files: units.map((unit) => ({
        path: join(dir, unit.name),
        content: verb === "uninstall" ? undefined : unit.text,
      })),
      commands: verb === "uninstall"
        ? [
          `systemctl --user disable --now ${units.map((unit) => unit.name).join(" ")}`,
          "systemctl --user daemon-reload",
        ]
        : systemdEnableCommands(units),
      apply: async () => {
        await Deno.mkdir(dir, { recursive: true });
        for (const unit of units) {
          if (verb === "uninstall") await Deno.remove(join(dir, unit.name)).catch(() => {});
          else await Deno.writeTextFile(join(dir, unit.name), unit.text);
        }
      },
    };
  }
  const onWindows = Deno.build.os === "windows";
  if (!onWindows && !isWsl()) {
    throw new UsageError(
      "--mode windows makes a Windows Task Scheduler task: run it on Windows or inside WSL2 " +
        "(on Linux use --mode systemd or --mode cron)",
    );
  }
  const distro = onWindows ? undefined : Deno.env.get("WSL_DISTRO_NAME") ?? "Ubuntu";
  const xml = windowsTaskXml(target, { wslDistro: distro });
  const windowsPath = await windowsPathOf(xmlPath);
  return {
    files: [{ path: xmlPath, content: verb === "uninstall" ? undefined : xml }],
    commands: verb === "uninstall"
      ? [`schtasks /Delete /TN ${TASK_NAME} /F`]
      : [schtasksCommand(windowsPath)],
    apply: async () => {
      if (verb === "uninstall") return await Deno.remove(xmlPath).catch(() => {});
      await Deno.mkdir(dirname(xmlPath), { recursive: true });
      await Deno.writeFile(xmlPath, utf16le(xml));
    },
  };
}

async function readCrontab(): Promise<string> {
  const output = await crontab(["-l"]);
  if (output.success) return new TextDecoder().decode(output.stdout);
  const message = new TextDecoder().decode(output.stderr);
  if (/no crontab/i.test(message)) return "";
  throw new Error(`crontab -l failed: ${message.trim()}`);
}

async function writeCrontab(text: string): Promise<void> {
  const child = new Deno.Command("crontab", { args: ["-"], stdin: "piped", stderr: "piped" })
    .spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(text));
  await writer.close();
  const output = await child.output();
  if (!output.success) {
    throw new Error(`crontab - failed: ${new TextDecoder().decode(output.stderr).trim()}`);
  }
}

function crontab(args: string[]): Promise<Deno.CommandOutput> {
  return new Deno.Command("crontab", { args, stdout: "piped", stderr: "piped" }).output().catch(
    (error) => {
      if (error instanceof Deno.errors.NotFound) {
        throw new Error("crontab not found: install cron (apt-get install cron)");
      }
      throw error;
    },
  );
}
