/**
 * An error the user can fix (bad usage, bad input file): the CLI prints its message as
 * one paragraph on stderr and exits 2. Anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}
