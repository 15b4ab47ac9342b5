import { nestLogLevels } from './nest-log-levels';

describe('nestLogLevels', () => {
  it('enables the configured level and everything more severe', () => {
    expect(nestLogLevels('info')).toEqual(['fatal', 'error', 'warn', 'log']);
    expect(nestLogLevels('warn')).toEqual(['fatal', 'error', 'warn']);
    expect(nestLogLevels('trace')).toEqual(['fatal', 'error', 'warn', 'log', 'debug', 'verbose']);
  });

  it('enables nothing when silent', () => {
    expect(nestLogLevels('silent')).toEqual([]);
  });
});
