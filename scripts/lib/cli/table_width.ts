/**
 * The width tables are cut to: the terminal's, when output goes to one and `--wide` is not
 * given; none otherwise (a pipe or a file gets every character).
 */
export function tableWidth(wide: boolean): number | undefined {
  if (wide || !Deno.stdout.isTerminal()) return undefined;
  try {
    return Deno.consoleSize().columns;
  } catch {
    return undefined;
  }
}
