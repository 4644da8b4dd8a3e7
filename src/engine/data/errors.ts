/**
 * The one error type the loaders throw for bad input. The message always reads
 * "<file>: <what is wrong>. <what to do>" so the CLI and the extension can show it as is.
 */
export class DatasetError extends Error {
  override readonly name = 'DatasetError';

  constructor(
    /** The file or folder at fault (or the function, for bad arguments). */
    readonly file: string,
    /** What is wrong, without a trailing full stop. */
    readonly problem: string,
    /** What the user can do about it. */
    readonly remedy: string,
  ) {
    super(`${file}: ${problem}. ${remedy}`);
  }
}

/** The text of an unknown thrown value, for wrapping library errors. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
