import type { Command } from '../command.ts';
import { certifyCommand } from './certify.ts';
import { checkCommand } from './check.ts';
import { demoCommand } from './demo.ts';
import { exploreCommand } from './explore.ts';
import { figureCommand } from './figure.ts';
import { regressCommand } from './regress.ts';
import { serveCommand } from './serve.ts';
import { simulateCommand } from './simulate.ts';
import { verifyCommand } from './verify.ts';

/** Every sub-command, in the order `attnflow --help` lists them. */
export const commands: Command[] = [verifyCommand, checkCommand, serveCommand, simulateCommand, demoCommand, certifyCommand, figureCommand, regressCommand, exploreCommand];
