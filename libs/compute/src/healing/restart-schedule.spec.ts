import { nextScheduledRun, restartScheduleProblems } from './restart-schedule';

describe('restart schedules', () => {
  it('finds the next run in the schedule’s time zone, across a daylight-saving change', () => {
    // 04:00 in Paris is 02:00 UTC in summer and 03:00 UTC in winter.
    expect(nextScheduledRun({ cron: '0 4 * * *', timeZone: 'Europe/Paris' }, new Date('2026-07-01T00:00:00Z'))?.toISOString()).toBe('2026-07-01T02:00:00.000Z');
    expect(nextScheduledRun({ cron: '0 4 * * *', timeZone: 'Europe/Paris' }, new Date('2026-10-25T02:30:00Z'))?.toISOString()).toBe('2026-10-25T03:00:00.000Z');
  });

  it('is strictly after the given time', () => {
    const at = new Date('2026-07-01T02:00:00Z');
    expect(nextScheduledRun({ cron: '0 2 * * *', timeZone: 'UTC' }, at)?.toISOString()).toBe('2026-07-02T02:00:00.000Z');
  });

  it('takes six fields with seconds first', () => {
    expect(nextScheduledRun({ cron: '*/10 * * * * *', timeZone: 'UTC' }, new Date('2026-07-01T00:00:01Z'))?.toISOString()).toBe('2026-07-01T00:00:10.000Z');
  });

  it('names the field of an unusable schedule', () => {
    expect(restartScheduleProblems({ cron: '0 4 * * *', timeZone: 'Europe/Paris' })).toEqual([]);
    expect(restartScheduleProblems({ cron: 'every day', timeZone: 'UTC' })).toEqual([expect.objectContaining({ field: 'cron', code: 'invalid_cron' })]);
    expect(restartScheduleProblems({ cron: '0 4 * * *', timeZone: 'Mars/Olympus' })).toEqual([expect.objectContaining({ field: 'timeZone', code: 'unknown_time_zone' })]);
  });
});
