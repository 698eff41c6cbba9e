// Preloaded into every benchmark process (node --require bench/usage.cjs ...): when the process
// exits, writes what the whole process cost (CPU of every thread, peak RSS) to file descriptor 3 as
// one JSON line. CommonJS, so that preloading it costs next to nothing.
'use strict';
const { writeSync } = require('node:fs');

process.on('exit', () => {
  const usage = process.resourceUsage();
  const report = { cpuSeconds: (usage.userCPUTime + usage.systemCPUTime) / 1e6, userSeconds: usage.userCPUTime / 1e6, peakRssMb: usage.maxRSS / 1024 };
  try {
    writeSync(3, `${JSON.stringify(report)}\n`);
  } catch {
    // Not started by bench/run.mjs (no descriptor 3): nothing to report to.
  }
});
