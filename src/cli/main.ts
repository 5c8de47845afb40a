import { AttnflowError } from '../errors.ts';
import type { Command } from './command.ts';
import { commands } from './commands/index.ts';

const VERSION = '0.1.0';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'attnflow: executable checks for the mathematics of self-attention dynamics',
    '(Geshkovski, Letrouit, Polyanskiy, Rigollet, arXiv 2312.10794).',
    '',
    'Usage: attnflow <command> [options]',
    '',
    'Commands:',
    ...commands.map((c: Command) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run "attnflow <command> --help" for the options of one command.',
  ].join('\n');
}

/** Runs the CLI on `argv` (without node and script); resolves to the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(VERSION + '\n');
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`attnflow: unknown command ${JSON.stringify(name)}. Fix: run "attnflow --help" to list the commands.\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(cmd.help.trimEnd() + '\n');
    return 0;
  }
  try {
    return await cmd.run(rest);
  } catch (e) {
    if (e instanceof AttnflowError) {
      process.stderr.write(`attnflow ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`attnflow ${name}: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 3;
  }
}

const invoked = process.argv[1] ?? '';
if (invoked.endsWith('main.ts') || invoked.endsWith('attnflow.js') || invoked.endsWith('attnflow')) {
  // `attnflow verify | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
