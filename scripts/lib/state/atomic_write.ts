import { dirname, join } from "node:path";

/**
 * Replaces a file's contents so that a reader (or a crash) sees either the old or the new
 * contents, never a mix: write a temporary file beside it, flush it to disk, rename it over. On
 * any failure (a full disk, a read-only one) the temporary file is removed.
 */
export async function writeFileAtomic(path: string, text: string): Promise<void> {
  await Deno.mkdir(dirname(path), { recursive: true });
  const temporary = join(dirname(path), `.${crypto.randomUUID()}.tmp`);
  const file = await Deno.open(temporary, { write: true, createNew: true, mode: 0o600 });
  try {
    try {
      const bytes = new TextEncoder().encode(text);
      let written = 0;
      while (written < bytes.length) written += await file.write(bytes.subarray(written));
      await file.sync();
    } finally {
      file.close();
    }
    await Deno.rename(temporary, path);
  } catch (error) {
    await Deno.remove(temporary).catch(() => {});
    throw error;
  }
}
