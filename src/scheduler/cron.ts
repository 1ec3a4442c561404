import { Cron } from 'croner';

/**
 * A cron schedule in the user's time zone (so "0 9 * * 1" is 09:00 local on Mondays, across
 * daylight-saving changes). Five fields, or six with seconds first.
 */
export class CronSchedule {
  private readonly cron: Cron;

  constructor(
    readonly expression: string,
    readonly timezone: string,
  ) {
    this.cron = new Cron(expression, { paused: true, timezone });
  }

  /** The first tick strictly after `after`. */
  next(after: Date): Date | null {
    return this.cron.nextRun(after);
  }

  /** Whether a tick fell after `last` and at or before `now`: something is due (or overdue). */
  isDue(last: Date, now: Date): boolean {
    const next = this.next(last);
    return next !== null && next.getTime() <= now.getTime();
  }
}
