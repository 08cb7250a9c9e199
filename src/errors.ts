// Errors that end the run with exit 2 and one line on stderr: the user's input, or the tool's own failure.
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The tool could not do its job (a folder it cannot write...): one line with what to do. */
export class ToolError extends Error {
  override name = 'ToolError';
}
