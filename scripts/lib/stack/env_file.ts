/**
 * Compose's `.env` format (https://docs.docker.com/compose/how-tos/environment-variables/variable-interpolation/#env-file-syntax):
 * `KEY=value` lines, `#` comments and blank lines; a value may be quoted ('…' literal, "…"), and an
 * unquoted value ends at ` #` (an inline comment).
 */

/** The variables an `.env` text sets, in order. */
export function parseEnv(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith("#")) continue;
    const match = line.match(/^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/);
    if (!match) continue;
    values.set(match[1], unquote(match[2]));
  }
  return values;
}

function unquote(value: string): string {
  const quoted = value.match(/^(['"])(.*)\1\s*(#.*)?$/);
  if (quoted) return quoted[1] === '"' ? quoted[2].replace(/\\n/g, "\n") : quoted[2];
  return value.replace(/\s+#.*$/, "").trim();
}

/**
 * `template` (an `.env.example`) with the given keys' values replaced, comments and order kept;
 * keys the template lacks are appended.
 */
export function renderEnv(template: string, values: ReadonlyMap<string, string>): string {
  const seen = new Set<string>();
  const lines = template.split("\n").map((line) => {
    const match = line.match(/^([A-Za-z_][A-Za-z0-9_.-]*)=/);
    if (!match || !values.has(match[1])) return line;
    seen.add(match[1]);
    return `${match[1]}=${values.get(match[1])}`;
  });
  const missing = [...values].filter(([key]) => !seen.has(key)).map(([k, v]) => `${k}=${v}`);
  const text = lines.join("\n").replace(/\n*$/, "\n");
  return missing.length > 0 ? `${text}${missing.join("\n")}\n` : text;
}
