#!/usr/bin/env node
// The `edgebatch` command works straight after `npm ci`, without a build: tsx loads the TypeScript sources.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/edgebatch.ts');
process.exitCode = await main(process.argv.slice(2));
