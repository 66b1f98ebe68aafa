/** Bytes read at a time from the end of a file. */
const CHUNK_BYTES = 64 * 1024;
/**
 * A line longer than this is no journal entry (one is a few hundred bytes): it is skipped rather
 * than held, so that a file without newlines cannot make a reader hold all of it.
 */
export const MAX_LINE_BYTES = 1024 * 1024;

/**
 * A file's lines from the last to the first, read in chunks from its end: what reading the last
 * few lines costs does not grow with the file. Nothing when the file does not exist. Blank lines
 * are left out.
 */
export async function* linesBackward(path: string): AsyncGenerator<string> {
  let file: Deno.FsFile;
  try {
    file = await Deno.open(path, { read: true });
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return;
    throw error;
  }
  const decoder = new TextDecoder();
  try {
    let position = (await file.stat()).size;
    /** The start of a line whose end was already read; dropped past MAX_LINE_BYTES. */
    let carry = new Uint8Array(0);
    let oversized = false;
    while (position > 0) {
      const size = Math.min(CHUNK_BYTES, position);
      position -= size;
      await file.seek(position, Deno.SeekMode.Start);
      const buffer = new Uint8Array(size + carry.length);
      let filled = 0;
      while (filled < size) {
        const count = await file.read(buffer.subarray(filled, size));
        if (count === null) break;
        filled += count;
      }
      buffer.set(carry, size);
      let end = buffer.length;
      for (let index = buffer.length - 1; index >= 0; index--) {
        if (buffer[index] !== 0x0a) continue;
        if (!oversized && end > index + 1) {
          const line = decoder.decode(buffer.subarray(index + 1, end));
          if (line.trim()) yield line;
        }
        oversized = false;
        end = index;
      }
      carry = buffer.slice(0, end);
      if (carry.length > MAX_LINE_BYTES) {
        carry = new Uint8Array(0);
        oversized = true;
      }
    }
    if (!oversized && carry.length > 0) {
      const line = decoder.decode(carry);
      if (line.trim()) yield line;
    }
  } finally {
    file.close();
  }
}
