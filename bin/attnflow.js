#!/usr/bin/env node
// Entry point for `npx attnflow`: registers the tsx loader so the TypeScript CLI runs without a build step.
import { register } from 'tsx/esm/api';
register();
await import('../src/cli/main.ts');
