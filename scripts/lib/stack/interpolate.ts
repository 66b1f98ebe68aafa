/**
 * Compose's variable interpolation
 * (https://docs.docker.com/reference/compose-file/interpolation/): `$VAR` and `${VAR}`;
 * `${VAR:-default}` (unset or empty) and `${VAR-default}` (unset); `${VAR:?message}` and
 * `${VAR?message}` (an error); `${VAR:+alternative}` and `${VAR+alternative}`; `$$` is a literal
 * `$`. Applied to every string of a parsed Compose document.
 */

/** An interpolation Compose refuses: a required variable missing, or a malformed `${`. */
export class InterpolationError extends Error {
  override name = "InterpolationError";
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

/** One string, with `lookup` giving each variable's value (undefined when unset). */
export function interpolate(text: string, lookup: (name: string) => string | undefined): string {
  let out = "";
  let at = 0;
  while (at < text.length) {
    const dollar = text.indexOf("$", at);
    if (dollar < 0 || dollar === text.length - 1) return out + text.slice(at);
    out += text.slice(at, dollar);
    const next = text[dollar + 1];
    if (next === "$") {
      out += "$";
      at = dollar + 2;
    } else if (next === "{") {
      const end = closingBrace(text, dollar + 2);
      if (end < 0) throw new InterpolationError(`unclosed "\${" in "${text}"`);
      out += expand(text.slice(dollar + 2, end), lookup);
      at = end + 1;
    } else {
      const name = text.slice(dollar + 1).match(NAME)?.[0];
      out += name ? lookup(name) ?? "" : "$";
      at = dollar + 1 + (name?.length ?? 0);
    }
  }
  return out;
}

/** The index of the `}` that closes a `${` whose body starts at `from`, nesting counted. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let index = from; index < text.length; index++) {
    if (text[index] === "$" && text[index + 1] === "{") {
      depth++;
      index++;
    } else if (text[index] === "}" && --depth === 0) return index;
  }
  return -1;
}

function expand(body: string, lookup: (name: string) => string | undefined): string {
  const match = body.match(/^([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?+])(.*))?$/s);
  if (!match) throw new InterpolationError(`invalid interpolation "\${${body}}"`);
  const [, name, colon, operator, argument] = match;
  const value = lookup(name);
  const missing = colon ? value === undefined || value === "" : value === undefined;
  switch (operator) {
    case undefined:
      return value ?? "";
    case "-":
      return missing ? interpolate(argument, lookup) : value!;
    case "+":
      return missing ? "" : interpolate(argument, lookup);
    default:
      if (missing) {
        throw new InterpolationError(`${name}: ${argument || "required variable is missing"}`);
      }
      return value!;
  }
}

/** Every string in a parsed document interpolated. */
export function interpolateDocument(
  document: unknown,
  lookup: (name: string) => string | undefined,
): unknown {
  if (typeof document === "string") return interpolate(document, lookup);
  if (Array.isArray(document)) return document.map((item) => interpolateDocument(item, lookup));
  if (document && typeof document === "object") {
    return Object.fromEntries(
      Object.entries(document).map(([key, value]) => [key, interpolateDocument(value, lookup)]),
    );
  }
  return document;
}
