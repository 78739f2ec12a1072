/** The default of a switch over a union that handles every member: the compiler checks it is never reached. */
export function unreachable(value: never): never {
  throw new Error(`unhandled ${JSON.stringify(value)}`);
}
