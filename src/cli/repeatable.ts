// Commander's accumulator for a repeatable flag (`--set a=1 --set b=2` gives ['a=1', 'b=2']).
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
