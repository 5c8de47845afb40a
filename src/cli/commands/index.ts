import type { Command } from '../command.ts';
import { serveCommand } from './serve.ts';

/** Every sub-command, in the order `attnflow --help` lists them. */
export const commands: Command[] = [serveCommand];
