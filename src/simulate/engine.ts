// The call simulator: active calls per tenant, kept in an ActiveCallStore (this process's memory, or Redis so that
// every instance sees them), changed by start / update / hang up at the server's virtual time. A change reads the
// call, applies itself to a copy and writes it back only if nobody changed the call in between (else it retries). Hanging up turns the call into a call record that waits in the pending store until its arrival
// time (and, when asked for, a version 2 with late telemetry). No HTTP here: the admin routes drive it.
import { randomInt, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import { normalizeCallRecord } from '../graph/ingest/normalize.js';
import { isoInstant } from '../generate/format.js';
import { hashSeed, Rng } from '../generate/prng.js';
import type { PendingRecord, PendingStore } from '../store/index.js';
import { MemoryCallStore } from '../coord/memory.js';
import type { ActiveCallStore } from '../coord/types.js';
import { withLateTelemetry, withoutLateTelemetry } from './late.js';
import { buildRecord } from './record.js';
import type { SimCall, SimIdentity, SimModality, SimParticipant, SimulationOptions } from './types.js';

/** Virtual time between creating a call and the targets answering (state `establishing`). */
export const ESTABLISH_MS = 2000;
const MAX_ACTIVE_CALLS = 1000;
const MAX_PARTICIPANTS = 250;

/** A request the call's state does not allow; `field` names the offending part of the request. */
export class SimulationError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'SimulationError';
  }
}

export interface StartCall {
  source: SimIdentity;
  targets: SimIdentity[];
  requestedModalities: SimModality[];
  direction: 'incoming' | 'outgoing';
  subject: string | null;
  simulation: SimulationOptions;
}

export interface UpdateCall {
  requestedModalities?: SimModality[];
  addParticipants?: SimIdentity[];
  /** Participant ids (the call's participant GUIDs) or identity ids (object id, phone number, ...). */
  removeParticipants?: string[];
  hold?: boolean;
}

export interface HangUpResult {
  recordId: string;
  /** Each version with the time it becomes visible. */
  versions: { version: number; dueMs: number }[];
}

export interface SimulatorOptions {
  clock: Clock;
  /** Where active calls live (default: this process). */
  calls?: ActiveCallStore;
  pending: PendingStore;
  /** Seconds from hang-up to the record being visible. */
  recordDelaySeconds: number;
  /** Called after records were queued (the dispatcher delivers those already due). */
  onPending?: () => Promise<unknown>;
}

const key = (id: string) => id.toLowerCase();
const inCall = (p: SimParticipant) => p.legs.some((l) => l.leaveMs === undefined);

/** Attempts of a change that keeps meeting a concurrent one before it gives up. */
const MAX_ATTEMPTS = 20;

export class CallSimulator {
  readonly #o: SimulatorOptions;
  readonly #calls: ActiveCallStore;

  constructor(o: SimulatorOptions) {
    this.#o = o;
    this.#calls = o.calls ?? new MemoryCallStore();
  }

  get recordDelaySeconds(): number {
    return this.#o.recordDelaySeconds;
  }

  #now(floor: number): number {
    // A clock set backwards must not make a call's events run backwards.
    return Math.max(this.#o.clock.now(), floor);
  }

  async start(tenantId: string, input: StartCall): Promise<SimCall> {
    const seen = new Set<string>([key(input.source.id)]);
    input.targets.forEach((t, i) => {
      if (seen.has(key(t.id)))
        throw new SimulationError(`targets[${i}]`, `'${t.id}' is already in the call.`);
      seen.add(key(t.id));
    });
    if (input.source.kind === 'phone' && input.targets.every((t) => t.kind === 'phone')) {
      throw new SimulationError('targets', 'A call between phone numbers only does not go through Teams.');
    }
    const now = this.#o.clock.now();
    const establishedMs = now + ESTABLISH_MS;
    const participant = (identity: SimIdentity, role: SimParticipant['role'], joinMs: number) => ({
      participantId: randomUUID(),
      identity,
      role,
      legs: [{ joinMs }],
    });
    const call: SimCall = {
      id: randomUUID(),
      tenantId,
      callChainId: randomUUID(),
      subject: input.subject,
      direction: input.direction,
      createdMs: now,
      establishedMs,
      participants: [
        participant(input.source, 'source', now),
        ...input.targets.map((t) => participant(t, 'target', establishedMs)),
      ],
      modalityLog: [{ atMs: now, modalities: input.requestedModalities }],
      holds: [],
      events: [],
      lastChangeMs: now,
      options: { ...input.simulation, seed: input.simulation.seed ?? randomInt(2 ** 31) },
    };
    if (input.targets.length > 1) call.groupSinceMs = now;
    const [source, ...targets] = call.participants;
    call.events.push(
      { atMs: now, type: 'created', modalities: input.requestedModalities },
      { atMs: now, type: 'joined', participantId: source!.participantId },
      { atMs: establishedMs, type: 'established' },
      ...targets.map((t) => ({
        atMs: establishedMs,
        type: 'joined' as const,
        participantId: t.participantId,
      })),
    );
    if (!(await this.#calls.add(call, MAX_ACTIVE_CALLS))) {
      throw new SimulationError('', `At most ${MAX_ACTIVE_CALLS} calls can be active in a tenant.`);
    }
    return call;
  }

  async get(tenantId: string, id: string): Promise<SimCall | undefined> {
    return (await this.#calls.get(tenantId, id))?.call;
  }

  async list(tenantId: string): Promise<SimCall[]> {
    return (await this.#calls.list(tenantId)).sort((a, b) => a.createdMs - b.createdMs);
  }

  /** Reads the call, lets `change` work on the copy read, writes it back unless it changed meanwhile (then again). */
  async #change<T>(
    tenantId: string,
    id: string,
    change: (call: SimCall) => T,
    write: (token: string, call: SimCall) => Promise<boolean>,
  ): Promise<{ call: SimCall; result: T } | undefined> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const stored = await this.#calls.get(tenantId, id);
      if (!stored) return undefined;
      const result = change(stored.call);
      if (await write(stored.token, stored.call)) return { call: stored.call, result };
    }
    throw new SimulationError('', 'The call is being changed by other requests; try again.');
  }

  state(call: SimCall): 'establishing' | 'established' | 'hold' {
    const now = this.#o.clock.now();
    if (now < call.establishedMs) return 'establishing';
    return call.holds.some((h) => h.toMs === undefined) ? 'hold' : 'established';
  }

  /** The modalities flowing now: none while establishing or held. */
  activeModalities(call: SimCall): SimModality[] {
    return this.state(call) === 'established'
      ? call.modalityLog[call.modalityLog.length - 1]!.modalities
      : [];
  }

  /** Applies a change atomically: every part is checked before anything changes. */
  async update(tenantId: string, id: string, u: UpdateCall): Promise<SimCall | undefined> {
    const done = await this.#change(
      tenantId,
      id,
      (call) => this.#apply(call, u),
      (token, call) => this.#calls.replace(token, call),
    );
    return done?.call;
  }

  #apply(call: SimCall, u: UpdateCall): void {
    const now = this.#now(call.lastChangeMs);
    const held = call.holds.some((h) => h.toMs === undefined);
    const byId = (ref: string) =>
      call.participants.find((p) => key(p.participantId) === key(ref) || key(p.identity.id) === key(ref));

    const adds = u.addParticipants ?? [];
    adds.forEach((a, i) => {
      const p = byId(a.id);
      if (p && (inCall(p) || p.legs.some((l) => l.joinMs > now)))
        throw new SimulationError(`addParticipants[${i}]`, `'${a.id}' is already in the call.`);
      if (adds.findIndex((b) => key(b.id) === key(a.id)) !== i)
        throw new SimulationError(`addParticipants[${i}]`, `'${a.id}' is listed twice.`);
    });
    if (call.participants.length + adds.length > MAX_PARTICIPANTS)
      throw new SimulationError('addParticipants', `A call has at most ${MAX_PARTICIPANTS} participants.`);
    if (u.removeParticipants?.length && now < call.establishedMs)
      throw new SimulationError('removeParticipants', 'The call is not established yet.');
    const removes = (u.removeParticipants ?? []).map((ref, i) => {
      const p = byId(ref);
      const field = `removeParticipants[${i}]`;
      if (!p || !inCall(p)) throw new SimulationError(field, `'${ref}' is not in the call.`);
      if (p.role === 'source') throw new SimulationError(field, 'The source cannot leave; hang up instead.');
      return p;
    });
    const staying = call.participants.filter((p) => p.role !== 'source' && inCall(p) && !removes.includes(p));
    if (removes.length > 0 && staying.length + adds.length === 0)
      throw new SimulationError('removeParticipants', 'The last participant cannot leave; hang up instead.');
    if (u.hold !== undefined) {
      if (now < call.establishedMs) throw new SimulationError('hold', 'The call is not established yet.');
      if (u.hold === held)
        throw new SimulationError('hold', `The call is ${held ? 'already' : 'not'} on hold.`);
    }

    call.lastChangeMs = now;
    if (u.requestedModalities) {
      call.modalityLog.push({ atMs: now, modalities: u.requestedModalities });
      call.events.push({ atMs: now, type: 'modalitiesChanged', modalities: u.requestedModalities });
    }
    if (adds.length > 0 && call.groupSinceMs === undefined) this.#escalate(call, now);
    for (const identity of adds) {
      let p = byId(identity.id);
      if (p) p.legs.push({ joinMs: now });
      else {
        p = { participantId: randomUUID(), identity, role: 'added', legs: [{ joinMs: now }] };
        call.participants.push(p);
      }
      call.events.push({ atMs: now, type: 'joined', participantId: p.participantId });
    }
    for (const p of removes) {
      p.legs[p.legs.length - 1]!.leaveMs = now;
      call.events.push({ atMs: now, type: 'left', participantId: p.participantId });
    }
    if (u.hold === true) {
      call.holds.push({ fromMs: now });
      call.events.push({ atMs: now, type: 'held' });
    } else if (u.hold === false) {
      call.holds[call.holds.length - 1]!.toMs = now;
      call.events.push({ atMs: now, type: 'resumed' });
    }
  }

  /** A P2P call becomes a group call: established legs move to the conference (a new leg from now on). */
  #escalate(call: SimCall, now: number): void {
    if (now < call.establishedMs) {
      call.groupSinceMs = call.createdMs;
      return;
    }
    call.groupSinceMs = now;
    for (const p of call.participants) {
      if (!inCall(p)) continue;
      p.legs[p.legs.length - 1]!.leaveMs = now;
      p.legs.push({ joinMs: now });
    }
    call.events.push({ atMs: now, type: 'escalated' });
  }

  /** Ends the call and queues its record (and the version-2 update, if asked for). */
  async hangUp(tenantId: string, id: string): Promise<HangUpResult | undefined> {
    // Removed first, as read: a concurrent change or hang-up makes this one start again (or find no call).
    const done = await this.#change(
      tenantId,
      id,
      () => undefined,
      (token, call) => this.#calls.remove(token, call),
    );
    if (!done) return undefined;
    const { call } = done;
    const endMs = this.#now(call.lastChangeMs);
    for (const p of call.participants) {
      const leg = p.legs[p.legs.length - 1]!;
      if (leg.leaveMs === undefined && leg.joinMs < endMs) {
        leg.leaveMs = endMs;
        call.events.push({ atMs: endMs, type: 'left', participantId: p.participantId });
      }
    }
    const open = call.holds.find((h) => h.toMs === undefined);
    if (open) open.toMs = Math.max(open.fromMs, endMs);
    call.events.push({ atMs: endMs, type: 'terminated' });

    const full = buildRecord(call, endMs);
    const dueMs = endMs + this.#o.recordDelaySeconds * 1000;
    const lateAfter = call.options.lateUpdateAfterSeconds;
    const docs = lateAfter === undefined ? [full] : [withoutLateTelemetry(full)];
    if (lateAfter !== undefined) docs.push(withLateTelemetry(full, new Rng(hashSeed(call.options.seed, 2))));
    const queued: PendingRecord[] = docs.map((doc, i) => {
      const due = i === 0 ? dueMs : dueMs + lateAfter! * 1000;
      doc.lastModifiedDateTime = isoInstant(due);
      return { tenantId, doc: normalizeCallRecord(doc), dueMs: due, createdMs: endMs };
    });
    await this.#o.pending.add(queued);
    await this.#o.onPending?.();
    return {
      recordId: call.callChainId,
      versions: queued.map((q) => ({ version: q.doc.version, dueMs: q.dueMs })),
    };
  }
}
