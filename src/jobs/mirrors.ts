// The server's mirror jobs: each configured tenant is copied from its upstream and kept current for as long as the
// server runs (callrecords mirror without --once, in this process). A job that fails is logged and started again
// after a pause; `stop` aborts every job and waits for it to save its status.
import { MirrorJob, type MirrorJobOptions } from '../mirror/index.js';
import type { Store } from '../store/index.js';

interface Logger {
  info(o: object, msg: string): void;
  error(o: object, msg: string): void;
}

export interface MirrorJobs {
  readonly jobs: readonly MirrorJob[];
  stop(): Promise<void>;
}

const RESTART_MS = 60_000;

export function startMirrorJobs(options: readonly MirrorJobOptions[], store: Store, log: Logger): MirrorJobs {
  // Every job's options are checked before any starts: a wrong one stops the server from starting, with its reason.
  const jobs = options.map((o) => new MirrorJob(o));
  const controller = new AbortController();
  const runs = jobs.map(async (job) => {
    const fields = { mirror: job.tenantId, upstream: job.upstream };
    while (!controller.signal.aborted) {
      try {
        await job.run({
          store,
          once: false,
          signal: controller.signal,
          log: (line) => log.info(fields, line),
        });
      } catch (err) {
        log.error({ ...fields, err }, 'mirror failed; starting again in a minute');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, RESTART_MS);
          timer.unref();
          controller.signal.addEventListener('abort', () => {
            clearTimeout(timer);
            resolve();
          });
        });
      }
    }
  });
  return {
    jobs,
    async stop() {
      controller.abort();
      await Promise.allSettled(runs);
      for (const job of jobs) job.close();
    },
  };
}
