#!/usr/bin/env node
// The `tradewatch` command. TypeScript sources run through tsx's loader, so there is no build step.
import { register } from 'tsx/esm/api';

register();
await import('../functions/cli.ts');
