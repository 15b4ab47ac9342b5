import { Cron } from 'croner';

/** A restart schedule: a five- or six-field cron expression read in an IANA time zone. */
export interface RestartSchedule {
  cron: string;
  timeZone: string;
}

export type ScheduleProblem = { field: 'cron' | 'timeZone'; code: string; message: string };

/** Problems with a schedule (empty when it is usable). */
export function restartScheduleProblems(schedule: RestartSchedule): ScheduleProblem[] {
  if (!isTimeZone(schedule.timeZone)) return [{ field: 'timeZone', code: 'unknown_time_zone', message: `${schedule.timeZone} is not an IANA time zone` }];
  let cron: Cron;
  try {
    cron = new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
  } catch (error) {
    return [{ field: 'cron', code: 'invalid_cron', message: (error as Error).message }];
  }
  if (!cron.nextRun(new Date())) return [{ field: 'cron', code: 'never_runs', message: 'the expression never matches a future time' }];
  return [];
}

/** The first run strictly after `after`, or null when the schedule never runs again. */
export function nextScheduledRun(schedule: RestartSchedule, after: Date): Date | null {
  const cron = new Cron(schedule.cron, { timezone: schedule.timeZone, paused: true });
  return cron.nextRun(after) ?? null;
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}
