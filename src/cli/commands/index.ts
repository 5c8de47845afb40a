import type { Command } from '../command.ts';
import { certifyCommand } from './certify.ts';
import { demoCommand } from './demo.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';
import { verifyCommand } from './verify.ts';

/** Every sub-command, in the order `attnflow --help` lists them. */
export const commands: Command[] = [verifyCommand, serveCommand, simulateCommand, demoCommand, certifyCommand];
