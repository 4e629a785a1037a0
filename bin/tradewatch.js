#!/usr/bin/env node
// The `tradewatch` command. TypeScript sources run through tsx's loader, so there is no build step.
import { register } from 'tsx/esm/api';

// The AWS SDK warns on every run under Node.js 20 that its 2027 releases will need Node.js 22;
// the README says so once, the terminal need not say it on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

register();
await import('../functions/cli/main.ts');
