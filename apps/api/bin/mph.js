#!/usr/bin/env node
// The `mph` command: the built CLI (npm run build first). `npm link` puts it on your PATH.
// Resolved at run time: the build output is not a module of the workspace.
const { join } = require('node:path');
require(join(__dirname, '../../../dist/apps/api/cli.js'));
