import type { Command } from '../command.ts';
import { parseCommandArgs } from '../command.ts';
import { serve } from '../../protocol/server.ts';

const HELP = `attnflow serve [--verbose]

Speaks the implementation protocol v1 (PROTOCOL.md) on stdin/stdout, so any tool can use
attnflow's float64 reference engine as an oracle: one JSON request per line in, one JSON answer
per run request out (flushed), logs on stderr. Ops: velocity, flow (DOPRI5, rtol 1e-12,
atol 1e-14 unless the request sets "rtol"/"atol"), layer, energy; models sa and usa.
Exits with status 0 on {"cmd":"stop"} or at the end of the input.

Options:
  --verbose   log one line per request on stderr (default: silent)

Example:
  printf '%s\\n' '{"cmd":"start","protocol":1}' \\
    '{"cmd":"run","seq":1,"op":"velocity","model":"sa","beta":1,"X":[[1,0],[0,1]]}' \\
    '{"cmd":"stop"}' | attnflow serve
`;

/** \`attnflow serve\`: the reference implementation behind the JSON-lines protocol. */
export const serveCommand: Command = {
  name: 'serve',
  summary: 'answer protocol v1 requests on stdin/stdout (the reference oracle)',
  help: HELP,
  async run(argv: string[]): Promise<number> {
    const { values } = parseCommandArgs('serve', argv, { verbose: { type: 'boolean' } });
    // A reader that hangs up early is not our failure: stop quietly instead of crashing on EPIPE.
    process.stdout.on('error', () => process.stdin.destroy());
    const verbose = values.verbose === true;
    const log = verbose ? (line: string) => void process.stderr.write(`attnflow serve: ${line}\n`) : undefined;
    await serve(process.stdin, process.stdout, { log });
    // The writer may keep its end open after "stop"; release stdin so the process can exit.
    process.stdin.destroy();
    return 0;
  },
};
