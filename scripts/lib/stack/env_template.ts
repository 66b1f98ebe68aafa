/**
 * `template` (an `.env.example`, or an existing `.env`) with the given keys' values replaced,
 * comments, order and every other line kept; keys the template lacks are appended. Pure.
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
