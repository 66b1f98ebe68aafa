import { type ScheduleTarget, watchArgs } from "./schedule_target.ts";

/** How Task Scheduler starts breakwater: Deno on Windows, or inside a WSL distribution. */
export interface WindowsLaunch {
  /** Set when breakwater lives in WSL: the distribution to run it in (`wsl.exe -d`). */
  wslDistro?: string;
}

/** The task's name in Task Scheduler. */
export const TASK_NAME = "breakwater";

/**
 * A Task Scheduler task (XML, schema 1.4) that runs on battery. The daemon: at logon, restarted on
 * failure every minute, no time limit. With `once`: `watch --once` every minute, indefinitely
 * (a time trigger repeating every minute), each run given at most 10 minutes. Under WSL the action
 * is `wsl.exe -d <distro> --cd <dir> -- deno task watch`.
 */
export function windowsTaskXml(target: ScheduleTarget, launch: WindowsLaunch = {}): string {
  const args = watchArgs(target);
  const [command, argumentText, workingDirectory] = launch.wslDistro
    ? [
      "wsl.exe",
      ["-d", launch.wslDistro, "--cd", target.projectDir, "--", target.deno, ...args].map(quoteArg)
        .join(" "),
      null,
    ]
    : [target.deno, args.map(quoteArg).join(" "), target.projectDir];
  return `<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.4" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>breakwater: heals unhealthy containers and relieves GPU pressure</Description>
    <URI>\\${TASK_NAME}</URI>
  </RegistrationInfo>
  <Triggers>
${target.once ? EVERY_MINUTE : AT_LOGON}
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
${target.once ? ONE_PASS_SETTINGS : DAEMON_SETTINGS}
    <Enabled>true</Enabled>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>${xml(command)}</Command>
      <Arguments>${xml(argumentText)}</Arguments>${
    workingDirectory ? `\n      <WorkingDirectory>${xml(workingDirectory)}</WorkingDirectory>` : ""
  }
    </Exec>
  </Actions>
</Task>
`;
}

const AT_LOGON = `    <LogonTrigger>
      <Enabled>true</Enabled>
      <Delay>PT30S</Delay>
    </LogonTrigger>`;

/** Repetition without a Duration repeats indefinitely (Task Scheduler schema, RepetitionType). */
const EVERY_MINUTE = `    <TimeTrigger>
      <StartBoundary>2026-01-01T00:00:00</StartBoundary>
      <Enabled>true</Enabled>
      <Repetition>
        <Interval>PT1M</Interval>
        <StopAtDurationEnd>false</StopAtDurationEnd>
      </Repetition>
    </TimeTrigger>`;

const DAEMON_SETTINGS = `    <ExecutionTimeLimit>PT0S</ExecutionTimeLimit>
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>`;

const ONE_PASS_SETTINGS = `    <ExecutionTimeLimit>PT10M</ExecutionTimeLimit>`;

/** The command that registers the task from its XML file. */
export function schtasksCommand(xmlPath: string): string {
  return `schtasks /Create /TN ${TASK_NAME} /XML "${xmlPath}" /F`;
}

/** The XML as Task Scheduler reads it best: UTF-16 little-endian with a byte order mark. */
export function utf16le(text: string): Uint8Array {
  const bytes = new Uint8Array(2 + text.length * 2);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    bytes[2 + index * 2] = code & 0xff;
    bytes[3 + index * 2] = code >> 8;
  }
  return bytes;
}

function quoteArg(word: string): string {
  return /^[^\s"]+$/.test(word) ? word : `"${word.replaceAll('"', '\\"')}"`;
}

function xml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll(
    '"',
    "&quot;",
  );
}
