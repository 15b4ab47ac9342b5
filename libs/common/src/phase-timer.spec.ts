import { PhaseTimer } from './phase-timer';

describe('PhaseTimer', () => {
  it('adds up repeated phases, keeps the order they first ran in, and sums them up on one line', () => {
    const timer = new PhaseTimer();
    timer.mark('lock');
    timer.mark('decide');
    timer.mark('lock');
    const phases = timer.phases();
    expect(phases.map(({ phase }) => phase)).toEqual(['lock', 'decide']);
    expect(phases.every(({ ms }) => ms >= 0)).toBe(true);
    expect(timer.summary()).toMatch(/^lock \d+, decide \d+$/);
  });
});
