import { timingSafeEqual } from "node:crypto";
import { join } from "node:path";
import { UsageError } from "../usage_error.ts";
import { writeFileAtomic } from "../state/atomic_write.ts";

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
  /**
   * Whether to make the token when none exists yet (default true); without, the answer has an
   * empty `token` and the path it would be made at (a dry run's plan).
   */
  generate?: boolean;
  /** Told when an empty generated token file (an interrupted first start) is replaced. */
  onWarning?: (message: string) => void;
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
      throw new UsageError(
        `cannot read api.tokenFile ${options.tokenFile}: ${(error as Error).message}`,
      );
    })).trim();
    if (!token) {
      throw new UsageError(
        `api.tokenFile ${options.tokenFile} is empty: write a token into it (at least 16 ` +
          "random characters, such as the output of `openssl rand -hex 32`), or remove " +
          "api.tokenFile to have breakwater generate one",
      );
    }
    return { token, source: "tokenFile", path: options.tokenFile };
  }
  const fromEnv = env("BREAKWATER_TOKEN")?.trim();
  if (fromEnv) return { token: fromEnv, source: "BREAKWATER_TOKEN" };
  const path = join(options.stateDir, GENERATED_TOKEN_FILE);
  const existing = await Deno.readTextFile(path).then(
    (text) => text.trim(),
    (error) => error instanceof Deno.errors.NotFound ? null : Promise.reject(error),
  );
  if (existing) return { token: existing, source: "generated", path };
  if (options.generate === false) return { token: "", source: "generated", path };
  const token = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))
    .replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
  // Whole or not at all, so that a start cut short cannot leave an empty token file behind.
  await writeFileAtomic(path, token + "\n");
  await Deno.chmod(path, 0o600).catch(() => {}); // not supported on Windows
  if (existing === "") {
    options.onWarning?.(
      `the generated token file ${path} was empty (a first start cut short?); wrote a new ` +
        "token — give it to Grafana again",
    );
  }
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
