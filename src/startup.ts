// Where a start-up's time goes: each phase's wall time and the CPU time the whole process (every thread) spent in
// it, from the process's start. The 'ready' log line carries them (bench/startup.ts --phases reports them); CPU
// time is the figure to compare on a loaded machine, where wall time mostly measures the other processes.
export interface StartupPhase {
  phase: string;
  ms: number;
  cpuMs: number;
}

let phases: StartupPhase[] = [];
let last = { ms: 0, cpuMs: 0 };

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Ends the phase named `phase` now (it began where the previous one ended, or at the process's start). */
export function markPhase(phase: string): void {
  const now = { ms: performance.now(), cpuMs: cpuMs() };
  phases.push({
    phase,
    ms: Math.round(now.ms - last.ms),
    cpuMs: Math.round(now.cpuMs - last.cpuMs),
  });
  last = now;
}

/** The phases marked so far, which are forgotten (a process that starts several servers reports each's own). */
export function takePhases(): StartupPhase[] {
  const taken = phases;
  phases = [];
  return taken;
}
