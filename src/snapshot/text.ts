// Bytes -> text for deployment files: UTF-8 text stays text; anything with NULs or invalid UTF-8 is binary.
const decoder = new TextDecoder('utf-8', { fatal: true });

export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return decoder.decode(bytes);
  } catch {
    return undefined;
  }
}
