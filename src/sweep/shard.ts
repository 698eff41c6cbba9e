// Splitting a sweep across machines. Shard i of N runs the points whose index k has k mod N = i:
// round-robin rather than contiguous blocks, because points late in a sweep are often the slow ones
// (higher rates, more requests), and round-robin spreads them over every shard.
// `--shard i/N`, or `--shards N` with JOB_COMPLETION_INDEX, the variable a Kubernetes Indexed Job
// sets in each pod (0 .. completions-1).
import { InputError } from '../scenario/problems.js';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

function shardError(file: string, message: string): InputError {
  return new InputError([{ file, path: '', message }]);
}

function wholeNumber(text: string): number | undefined {
  return /^\d+$/.test(text.trim()) ? Number(text) : undefined;
}

/**
 * The shard this process runs, or undefined for the whole sweep. `env` is the process
 * environment (only JOB_COMPLETION_INDEX is read, and only with --shards).
 */
export function resolveShard(shardFlag: string | undefined, shardsFlag: string | undefined, env: Readonly<Record<string, string | undefined>>): Shard | undefined {
  if (shardFlag !== undefined && shardsFlag !== undefined) throw shardError('--shard', 'give either --shard i/N or --shards N (with JOB_COMPLETION_INDEX), not both');
  let index: number | undefined;
  let count: number | undefined;
  let where: string;
  if (shardFlag !== undefined) {
    where = `--shard ${shardFlag}`;
    const [i, n, ...rest] = shardFlag.split('/');
    index = rest.length === 0 && i !== undefined ? wholeNumber(i) : undefined;
    count = rest.length === 0 && n !== undefined ? wholeNumber(n) : undefined;
    if (index === undefined || count === undefined) throw shardError(where, `expected i/N such as 0/4, found ${JSON.stringify(shardFlag)}`);
  } else if (shardsFlag !== undefined) {
    where = `--shards ${shardsFlag}`;
    count = wholeNumber(shardsFlag);
    if (count === undefined) throw shardError(where, `expected a whole number of shards, found ${JSON.stringify(shardsFlag)}`);
    const fromEnv = env.JOB_COMPLETION_INDEX;
    if (fromEnv === undefined) throw shardError(where, 'JOB_COMPLETION_INDEX is not set (a Kubernetes Indexed Job sets it); use --shard i/N elsewhere');
    index = wholeNumber(fromEnv);
    if (index === undefined) throw shardError(where, `JOB_COMPLETION_INDEX is ${JSON.stringify(fromEnv)}, not a whole number`);
  } else {
    return undefined;
  }
  if (count < 1) throw shardError(where, 'expected at least 1 shard');
  if (index >= count) throw shardError(where, `shard index ${index} is out of range for ${count} shards (0..${count - 1})`);
  return { index, count };
}

export function inShard(pointIndex: number, shard: Shard | undefined): boolean {
  return shard === undefined || pointIndex % shard.count === shard.index;
}
