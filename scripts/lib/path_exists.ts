/** Whether something exists at `path` (a file, folder or anything else); `false` when unsure. */
export async function pathExists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** {@linkcode pathExists}, synchronously. */
export function pathExistsSync(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}
