#!/usr/bin/env node
// Thin shim: the CLI is compiled from src/cli into dist/ by `npm run build` (run by `npm install`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
