import type { DB } from "../../db";
import { dueReminders, type Reminder, recordReminder } from "../domain/reminders";
import type { ErrorReporter, Logger } from "../log";

/** The scheduler's one job: the reminders the data makes due. */
export const REMINDERS_JOB = "reminders";
const FIRST_RUN_DELAY_MS = 10_000;

export interface SchedulerOptions {
  /** The time a run computes for (tests drive a fake one). */
  clock?: () => Date;
  /** Between runs; 0 runs only when asked (`runNow`). */
  intervalMs: number;
  log?: Pick<Logger, "info">;
  /** A failed run (the next one tries again): logged once per kind and interval. */
  report?: ErrorReporter;
  /** Called after each reminder a run records, inside its transaction (tests stop a run here). */
  afterRecording?: (reminder: Reminder, recordedInRun: number) => void | Promise<void>;
}

export interface RunResult {
  /** False when another process held the job: this process did nothing. */
  ran: boolean;
  recorded: Reminder[];
}

export interface Scheduler {
  /** Runs the job now (waiting for a run already under way first). */
  runNow(): Promise<RunResult>;
  /** Stops the timer and waits for a run under way. */
  close(): Promise<void>;
}

/**
 * Runs the reminders job every `intervalMs` in this process (ADR 0025). A run is one
 * transaction that first claims the job's row with FOR UPDATE SKIP LOCKED, so of several
 * processes one runs at a time and the others skip; it records each due reminder with its
 * domain event (unique key, ON CONFLICT DO NOTHING), so a later run, another process, or a run
 * after a crash (whose transaction rolled back) never records one twice.
 */
export function startScheduler(db: DB, options: SchedulerOptions): Scheduler {
  const clock = options.clock ?? (() => new Date());
  let current: Promise<RunResult> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const runOnce = async (): Promise<RunResult> => {
    await db
      .insertInto("scheduled_jobs")
      .values({ name: REMINDERS_JOB })
      .onConflict((oc) => oc.column("name").doNothing())
      .execute();
    return db.transaction().execute(async (trx) => {
      const job = await trx
        .selectFrom("scheduled_jobs")
        .select("name")
        .where("name", "=", REMINDERS_JOB)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!job) return { ran: false, recorded: [] };
      const now = clock();
      const recorded: Reminder[] = [];
      for (const reminder of await dueReminders(trx, now)) {
        if (!(await recordReminder(trx, reminder))) continue;
        recorded.push(reminder);
        await options.afterRecording?.(reminder, recorded.length);
      }
      await trx
        .updateTable("scheduled_jobs")
        .set((eb) => ({ last_run_at: new Date(), last_run_for: now, runs: eb("runs", "+", 1) }))
        .where("name", "=", REMINDERS_JOB)
        .execute();
      return { ran: true, recorded };
    });
  };

  const runNow = (): Promise<RunResult> => {
    const run = (current ?? Promise.resolve())
      .catch(() => undefined)
      .then(runOnce)
      .finally(() => {
        if (current === run) current = undefined;
      });
    current = run;
    return run;
  };

  const schedule = (delayMs: number) => {
    if (closed || options.intervalMs <= 0) return;
    timer = setTimeout(async () => {
      try {
        const { recorded } = await runNow();
        if (recorded.length > 0)
          options.log?.info(`Scheduler recorded ${recorded.length} reminders`);
      } catch (error) {
        options.report?.(
          new Error("The reminders run failed; the next run tries again", { cause: error }),
        );
      }
      schedule(options.intervalMs);
    }, delayMs);
    timer.unref();
  };
  // The first run soon after start: what fell due while no server ran is not left waiting.
  schedule(Math.min(options.intervalMs, FIRST_RUN_DELAY_MS));

  return {
    runNow,
    async close() {
      closed = true;
      clearTimeout(timer);
      await current?.catch(() => undefined);
    },
  };
}
