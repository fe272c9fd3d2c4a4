#!/usr/bin/env node
// The package's `bin`: runs the compiled CLI. `npm ci` builds dist/ through the `prepare` script.
import '../dist/services/cli/main.js';
