import { timingSafeEqual } from "node:crypto";
import { join } from "node:path";

/** The control API's bearer token and where it came from. */
export interface ApiToken {
  token: string;
  source: "tokenFile" | "BREAKWATER_TOKEN" | "generated";
  /** The file it was read from or written to. */
  path?: string;
}

/** Options for {@linkcode resolveToken}. */
export interface ResolveTokenOptions {
  tokenFile?: string;
  stateDir: string;
  env?: (name: string) => string | undefined;
}

/** The generated token's file name inside the state directory. */
export const GENERATED_TOKEN_FILE = "api-token";

/**
 * Finds the token: `api.tokenFile`, else `BREAKWATER_TOKEN`, else the one generated on first start
 * in the state directory (created with mode 0600 and kept for later runs).
 * @throws {Error} when the token file is unreadable or empty.
 */
export async function resolveToken(options: ResolveTokenOptions): Promise<ApiToken> {
  const env = options.env ?? ((name: string) => Deno.env.get(name));
  if (options.tokenFile) {
    const token = (await Deno.readTextFile(options.tokenFile).catch((error) => {
      throw new Error(
        `cannot read api.tokenFile ${options.tokenFile}: ${(error as Error).message}`,
      );
    })).trim();
    if (!token) throw new Error(`api.tokenFile ${options.tokenFile} is empty`);
    return { token, source: "tokenFile", path: options.tokenFile };
  }
  const fromEnv = env("BREAKWATER_TOKEN")?.trim();
  if (fromEnv) return { token: fromEnv, source: "BREAKWATER_TOKEN" };
  const path = join(options.stateDir, GENERATED_TOKEN_FILE);
  const existing = await Deno.readTextFile(path).then((text) => text.trim(), () => "");
  if (existing) return { token: existing, source: "generated", path };
  const token = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  await Deno.mkdir(options.stateDir, { recursive: true });
  await Deno.writeTextFile(path, token + "\n", { mode: 0o600, createNew: true });
  await Deno.chmod(path, 0o600).catch(() => {}); // not supported on Windows
  return { token, source: "generated", path };
}

/** Compares a presented token with the real one in constant time. */
export function tokenMatches(presented: string, token: string): boolean {
  const a = new TextEncoder().encode(presented);
  const b = new TextEncoder().encode(token);
  if (a.length !== b.length) {
    timingSafeEqual(b, b);
    return false;
  }
  return timingSafeEqual(a, b);
}
