import assert from "node:assert/strict";
import { XMLParser } from "fast-xml-parser";
import { CRON_MARKER, cronLine, withCronLine, withoutCronLines } from "./cron.ts";
import type { ScheduleTarget } from "./schedule_target.ts";
import { systemdUnits } from "./systemd.ts";
import { schtasksCommand, utf16le, windowsTaskXml } from "./windows_task.ts";
import { needing } from "../../../tests/support/tools.ts";

const target: ScheduleTarget = {
  projectDir: "/home/me/break water",
  deno: "/usr/local/bin/deno",
  configPath: "/home/me/break water/breakwater.yaml",
  logDir: "/home/me/.local/state/breakwater",
  once: false,
};

/** Checks a crontab line the way cron reads it: five time fields (or @reboot) and a command. */
function assertCronSyntax(line: string) {
  const ranges = [[0, 59], [0, 23], [1, 31], [1, 12], [0, 7]];
  if (line.startsWith("@")) {
    assert.match(line, /^@(reboot|hourly|daily|weekly|monthly|yearly|annually|midnight) \S/);
    return;
  }
  const fields = line.split(/\s+/);
  assert.ok(fields.length > 5, "a command follows the five time fields");
  fields.slice(0, 5).forEach((field, index) => {
    for (const part of field.split(",")) {
      const match = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part);
      assert.ok(match, `field ${index + 1} "${field}" is valid`);
      for (const value of [match[2], match[3]].filter(Boolean).map(Number)) {
        assert.ok(
          value >= ranges[index][0] && value <= ranges[index][1],
          `field ${index + 1} in range`,
        );
      }
    }
  });
}

Deno.test("cron: @reboot daemon or every minute --once, quoted paths, valid syntax", () => {
  const daemon = cronLine(target);
  assertCronSyntax(daemon);
  assert.equal(
    daemon,
    "@reboot cd '/home/me/break water' && /usr/local/bin/deno task watch --config '/home/me/break water/breakwater.yaml'" +
      ` >> /home/me/.local/state/breakwater/cron.log 2>&1 ${CRON_MARKER}`,
  );
  const once = cronLine({ ...target, once: true });
  assertCronSyntax(once);
  assert.match(once, /^\* \* \* \* \* cd .* task watch --once --config /);
});

Deno.test("cron install is idempotent and keeps the user's own lines; uninstall removes only ours", () => {
  const mine = "MAILTO=me\n0 3 * * * backup.sh\n";
  const once = withCronLine(mine, cronLine(target));
  assert.equal(withCronLine(once, cronLine(target)), once);
  assert.equal(once.split("\n").filter((line) => line.includes(CRON_MARKER)).length, 1);
  assert.equal(withoutCronLines(once), mine);
  assert.equal(withoutCronLines(withCronLine("", cronLine(target))), "");
});

Deno.test("systemd: a daemon unit restarted on failure, or a oneshot with a minutely timer", () => {
  const [service] = systemdUnits(target);
  assert.equal(service.name, "breakwater.service");
  assert.match(service.text, /^\[Unit\]\nDescription=.+\n/);
  assert.match(
    service.text,
    /\n\[Service\]\nType=simple\nWorkingDirectory=\/home\/me\/break water\n/,
  );
  assert.match(
    service.text,
    /\nExecStart=\/usr\/local\/bin\/deno task watch --config "\/home\/me\/break water\/breakwater\.yaml"\n/,
  );
  assert.match(service.text, /\nRestart=on-failure\n/);
  assert.match(service.text, /\n\[Install\]\nWantedBy=default\.target\n$/);
  const [oneshot, timer] = systemdUnits({ ...target, once: true });
  assert.match(oneshot.text, /Type=oneshot/);
  assert.match(oneshot.text, /task watch --once/);
  assert.equal(timer.name, "breakwater-once.timer");
  assert.match(timer.text, /\[Timer\]\nOnBootSec=1min\nOnUnitActiveSec=1min/);
});

Deno.test(needing("systemd-analyze", "systemd-analyze verify accepts the units"), async () => {
  const dir = await Deno.makeTempDir();
  const units = systemdUnits({ ...target, projectDir: dir, deno: Deno.execPath() });
  for (const unit of units) await Deno.writeTextFile(`${dir}/${unit.name}`, unit.text);
  const result = await new Deno.Command("systemd-analyze", {
    args: ["verify", "--man=no", ...units.map((unit) => `${dir}/${unit.name}`)],
    stderr: "piped",
  }).output();
  assert.equal(result.success, true, new TextDecoder().decode(result.stderr));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("Task Scheduler XML parses, with logon trigger, restart on failure and the action", () => {
  const parser = new XMLParser({ ignoreAttributes: false });
  const windows = {
    ...target,
    projectDir: "C:\\Users\\me\\breakwater",
    deno: "C:\\deno\\deno.exe",
    configPath: undefined,
  };
  const task = parser.parse(windowsTaskXml(windows)).Task;
  assert.equal(task["@_xmlns"], "http://schemas.microsoft.com/windows/2004/02/mit/task");
  assert.equal(task.Triggers.LogonTrigger.Enabled, true);
  assert.equal(task.Settings.RestartOnFailure.Interval, "PT1M");
  assert.equal(task.Settings.ExecutionTimeLimit, "PT0S");
  assert.equal(task.Settings.DisallowStartIfOnBatteries, false);
  assert.equal(task.Actions.Exec.Command, "C:\\deno\\deno.exe");
  assert.equal(task.Actions.Exec.Arguments, "task watch");
  assert.equal(task.Actions.Exec.WorkingDirectory, "C:\\Users\\me\\breakwater");
  const wsl = parser.parse(windowsTaskXml(target, { wslDistro: "Ubuntu-24.04" })).Task;
  assert.equal(wsl.Actions.Exec.Command, "wsl.exe");
  assert.equal(
    wsl.Actions.Exec.Arguments,
    '-d Ubuntu-24.04 --cd "/home/me/break water" -- /usr/local/bin/deno task watch --config "/home/me/break water/breakwater.yaml"',
  );
  assert.equal(
    schtasksCommand("C:\\t\\task.xml"),
    'schtasks /Create /TN breakwater /XML "C:\\t\\task.xml" /F',
  );
  const once = parser.parse(windowsTaskXml({ ...windows, once: true })).Task;
  assert.equal(once.Triggers.LogonTrigger, undefined);
  assert.equal(once.Triggers.TimeTrigger.Repetition.Interval, "PT1M", "every minute");
  assert.equal(once.Triggers.TimeTrigger.Repetition.Duration, undefined, "indefinitely");
  assert.equal(once.Settings.ExecutionTimeLimit, "PT10M");
  assert.equal(once.Actions.Exec.Arguments, "task watch --once");
  const bytes = utf16le("<a/>");
  assert.deepEqual([...bytes.slice(0, 4)], [0xff, 0xfe, 0x3c, 0x00]);
});
