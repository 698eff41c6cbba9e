#!/usr/bin/env node
// Thin shim: the CLI is compiled from src/cli into dist/ by `npm run build` (run by `npm install`),
// which also bundles it into dist/bundle/ for a fast start (scripts/bundle-cli.mjs). The bundle runs
// when it is current (./load-bundle.cjs); otherwise dist/cli/main.js runs as compiled. CommonJS
// (bin/package.json): an ES module entry starts Node's ES module loader, about 10 ms of every
// command's start.
'use strict';
const { loadBundle } = require('./load-bundle.cjs');

(async () => {
  const { main } = loadBundle('main') ?? (await import('../dist/cli/main.js'));
  process.exitCode = await main(process.argv);
})();
