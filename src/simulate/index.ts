// The call simulator: active simulated calls (engine), the records they become (record, late), their delivery at
// the virtual arrival time (dispatcher) and their JSON views. The admin API (src/api/admin/calls.ts) drives it.
export { CallSimulator, ESTABLISH_MS, SimulationError } from './engine.js';
export type { HangUpResult, SimulatorOptions, StartCall, UpdateCall } from './engine.js';
export { RecordDispatcher } from './dispatcher.js';
export type { DispatcherOptions } from './dispatcher.js';
export { adminTime, callView, eventsView, participantsView } from './view.js';
export type * from './types.js';
