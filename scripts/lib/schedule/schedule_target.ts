/** What a scheduler is to run, and where. */
export interface ScheduleTarget {
  /** The project folder holding deno.json. */
  projectDir: string;
  /** The Deno executable, as an absolute path (schedulers run with a bare PATH). */
  deno: string;
  /** `--config` to pass, if any (absolute). */
  configPath?: string;
  /** Where log files go. */
  logDir: string;
  /** `true`: a one-shot pass every minute; `false`: the long-running daemon. */
  once: boolean;
}

/** The arguments after the Deno executable. */
export function watchArgs(target: ScheduleTarget): string[] {
  return [
    "task",
    "watch",
    ...(target.once ? ["--once"] : []),
    ...(target.configPath ? ["--config", target.configPath] : []),
  ];
}
