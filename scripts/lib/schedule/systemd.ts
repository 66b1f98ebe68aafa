import { join } from "node:path";
import { type ScheduleTarget, watchArgs } from "./schedule_target.ts";

/** A unit file's name and text. */
export interface UnitFile {
  name: string;
  text: string;
}

/**
 * systemd user units: the daemon as `breakwater.service` (restarted on failure), or with `once`
 * a one-shot `breakwater-once.service` started every minute by `breakwater-once.timer`.
 */
export function systemdUnits(target: ScheduleTarget): UnitFile[] {
  const exec = [target.deno, ...watchArgs(target)].map(systemdQuote).join(" ");
  const common = [
    `WorkingDirectory=${target.projectDir}`,
    `ExecStart=${exec}`,
  ];
  if (!target.once) {
    return [{
      name: "breakwater.service",
      text: unit([
        ["Unit", [
          "Description=breakwater: heals unhealthy containers and relieves GPU pressure",
          `Documentation=file://${join(target.projectDir, "README.md")}`,
        ]],
        ["Service", ["Type=simple", ...common, "Restart=on-failure", "RestartSec=10"]],
        ["Install", ["WantedBy=default.target"]],
      ]),
    }];
  }
  return [
    {
      name: "breakwater-once.service",
      text: unit([
        ["Unit", ["Description=breakwater: one heal pass and one GPU reading"]],
        ["Service", ["Type=oneshot", ...common]],
      ]),
    },
    {
      name: "breakwater-once.timer",
      text: unit([
        ["Unit", ["Description=Run breakwater once a minute"]],
        ["Timer", ["OnBootSec=1min", "OnUnitActiveSec=1min", "AccuracySec=5s"]],
        ["Install", ["WantedBy=timers.target"]],
      ]),
    },
  ];
}

/** The user's systemd unit folder. */
export function systemdUserDir(env: (name: string) => string | undefined): string {
  const config = env("XDG_CONFIG_HOME") ?? join(env("HOME") ?? ".", ".config");
  return join(config, "systemd", "user");
}

/** The commands that load and start the units once written. */
export function systemdEnableCommands(units: readonly UnitFile[]): string[] {
  const main = units.find((file) => file.name.endsWith(".timer")) ?? units[0];
  return ["systemctl --user daemon-reload", `systemctl --user enable --now ${main.name}`];
}

function unit(sections: [string, string[]][]): string {
  return sections.map(([name, lines]) => `[${name}]\n${lines.join("\n")}\n`).join("\n");
}

function systemdQuote(word: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(word)
    ? word
    : `"${word.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}
