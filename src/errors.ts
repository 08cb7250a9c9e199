// Errors that end the run with exit 2 and one line on stderr: the user's input, or the tool's own failure.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The tool could not do its job (a folder it cannot write...): one line with what to do. */
export class ToolError extends Error {
  override name = 'ToolError';
}

const ERRNO_WORDS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EIO: 'an input/output error',
  ENAMETOOLONG: 'the name is too long',
};

/** A file system error as words with its code (`no space left on the device (ENOSPC)`), else undefined. */
export function errnoText(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code && ERRNO_WORDS[code] ? `${ERRNO_WORDS[code]} (${code})` : undefined;
}
