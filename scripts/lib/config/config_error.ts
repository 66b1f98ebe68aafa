/** Where in a config file a problem is, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** One thing wrong in a config file. */
export interface ConfigProblem {
  /** Dotted key path, such as `heal.backoff.initial`; empty for the whole file. */
  key: string;
  message: string;
  position?: SourcePosition;
}

/** A config file that cannot be used, with every problem found in it. */
export class ConfigError extends Error {
  constructor(readonly file: string, readonly problems: ConfigProblem[]) {
    super(problems.map((problem) => formatProblem(file, problem)).join("\n"));
    this.name = "ConfigError";
  }
}

function formatProblem(file: string, { key, message, position }: ConfigProblem): string {
  const where = position ? `${file}:${position.line}:${position.column}` : file;
  return key ? `${where}: ${key}: ${message}` : `${where}: ${message}`;
}
