#!/usr/bin/env node
// The `sockact` command: a thin launcher for the bundled CLI (build it first with `npm run build`).
require('../dist/cli.js');
