// GET/POST /admin/clock: read, freeze, resume, set, advance or reset the server's virtual clock.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CLOCK_SETTING, parseDuration, type VirtualClock } from '../../clock.js';
import { badRequest } from '../../errors.js';
import type { Store } from '../../store/index.js';

const body = z.discriminatedUnion('action', [
  z.object({ action: z.literal('freeze') }),
  z.object({ action: z.literal('resume') }),
  z.object({ action: z.literal('reset') }),
  z.object({ action: z.literal('set'), to: z.string() }),
  z.object({ action: z.literal('advance'), by: z.string() }),
]);

const view = (clock: VirtualClock) => {
  const s = clock.state();
  return {
    now: new Date(s.now).toISOString(),
    frozen: s.frozen,
    offsetSeconds: Math.round(s.offsetMs / 1000),
  };
};

/** `onChange` is awaited after every change, so what the new time makes due is visible when the answer arrives. */
export function registerClockRoutes(
  app: FastifyInstance,
  clock: VirtualClock,
  store: Store,
  onChange?: () => Promise<unknown>,
  onSaved?: (state: string) => Promise<unknown>,
): void {
  app.get('/clock', () => view(clock));
  app.post('/clock', async (request) => {
    const parsed = body.safeParse(request.body);
    if (!parsed.success) {
      throw badRequest(
        'The body must be {"action":"freeze"|"resume"|"reset"} or {"action":"set","to":"<DateTimeOffset>"} or {"action":"advance","by":"<ISO-8601 duration>"}.',
      );
    }
    const b = parsed.data;
    if (b.action === 'freeze') clock.freeze();
    else if (b.action === 'resume') clock.resume();
    else if (b.action === 'reset') clock.reset();
    else if (b.action === 'set') {
      const ms = Date.parse(b.to);
      if (Number.isNaN(ms) || !/^\d{4}-\d\d-\d\dT/.test(b.to))
        throw badRequest(`'${b.to}' is not a DateTimeOffset.`);
      clock.set(ms);
    } else {
      const ms = parseDuration(b.by);
      if (ms === undefined) throw badRequest(`'${b.by}' is not an ISO-8601 duration such as PT2H or P1D.`);
      clock.advance(ms);
    }
    const state = JSON.stringify(clock.state());
    await store.setSetting(CLOCK_SETTING, state);
    // Other instances follow the saved state (told over the change bus, or at their next poll).
    await onSaved?.(state);
    await onChange?.();
    return view(clock);
  });
}
