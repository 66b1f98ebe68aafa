/**
 * Whether a container name matches a pattern: `*` stands for any run of characters, `?` for one;
 * everything else is literal. A pattern without wildcards is an exact name.
 */
export function matchesGlob(name: string, pattern: string): boolean {
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*").replaceAll(
    "?",
    ".",
  );
  return new RegExp(`^${source}$`).test(name);
}

/** Whether a name matches any of the patterns. */
export function matchesAnyGlob(name: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesGlob(name, pattern));
}
