// Bytes -> text for deployment files: UTF-8 text stays text; anything with NULs or invalid UTF-8 is binary.
// And the newest lines of a log's bytes (a gathered log, a bundle log's last part).
const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/** The newest whole lines of `buf` that fit in `limit` bytes (a longer last line: its end). */
export function keepNewest(buf: Buffer, limit: number): Buffer {
  if (buf.length <= limit) return buf;
  const from = buf.length - limit;
  // A kept part starts right after a newline at or after `from` (the byte before `from` may be one too).
  const nl = buf.indexOf(10, from - 1); // \n
  if (nl !== -1 && nl + 1 < buf.length) return buf.subarray(nl + 1);
  // One line longer than the limit: its last `limit` bytes, from the start of a character.
  let start = from;
  while (start < buf.length && (buf[start]! & 0xc0) === 0x80) start++;
  return buf.subarray(start);
}
