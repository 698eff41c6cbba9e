// `simtrace merge SHARD.json...`: joins the --json documents of the shards of one sweep (or capacity
// search) into the document the unsharded run prints, byte for byte, on stdout.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { InputError } from '../../scenario/problems.js';
import type { SetExit } from './types.js';
import { writeFileAtomic } from '../write-atomic.js';

function readShard(file: string): { file: string; text: string } {
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    throw new InputError([{ file, path: '', message: `cannot read shard document: ${reason}` }]);
  }
}

export function registerMerge(program: Command, setExit: SetExit): void {
  program
    .command('merge')
    .description('join the --json outputs of sweep or capacity shards into one document (stdout)')
    .argument('<shards...>', 'the shards\' JSON documents, in any order')
    .option('-o, --output <file>', 'write the merged document here instead of stdout')
    .action(async (files: string[], flags: { output?: string }) => {
      const { mergeDocuments } = await import('../../sweep/document.js');
      const merged = mergeDocuments(files.map(readShard));
      if (flags.output !== undefined) writeFileAtomic(flags.output, merged);
      else process.stdout.write(merged);
      setExit(0);
    });
}

