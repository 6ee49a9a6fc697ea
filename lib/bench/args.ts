/** The value of `--name=value` on the command line, or null. */
export function flagValue(name: string, argv = process.argv): string | null {
  const prefix = `--${name}=`;
  const arg = argv.find((a) => a.startsWith(prefix));
  return arg ? arg.slice(prefix.length) : null;
}
