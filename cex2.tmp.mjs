import { stringify } from '/work/main/node_modules/yaml/dist/index.js';
const { parseScenario } = await import('/work/main/dist/scenario/load.js');
const { runSimulation } = await import('/work/main/dist/server/simulation.js');
const { Scheduler } = await import('/work/main/dist/scheduler/scheduler.js');
for (const m of ['schedule', 'updateFromOutput', 'finishRequests', 'addRequest', 'removeRunningAt', 'leaveSteady', 'joinSteady', 'preempt']) {
  const o = Scheduler.prototype[m];
  Scheduler.prototype[m] = function (...a) {
    const before = [this.running.length, this.steady?.length];
    const r = o.apply(this, a);
    if (this.steady && this.steady.length !== this.running.length) { console.log('MISMATCH after', m, 'step', this.stepCounter, before, this.running.length, this.steady.length); process.exit(1); }
    return r;
  };
}
const sc = JSON.parse(process.argv[2]);
const { config } = parseScenario(stringify(sc), 'cex.yaml');
try { const r = await runSimulation(config, { checkInvariants: true, steadyDecodes: true }); console.log('ok', r.steps); } catch (e) { console.log(e.stack.split('\n').slice(0,6).join('\n')); }
