import { UsageError, parseAgentOptions } from './agent-options';

describe('parseAgentOptions', () => {
  it('reads flags, falling back to the environment', () => {
    const options = parseAgentOptions(['--api', 'http://api:3000', '--node-id', 'abc'], { STATEMESH_NODE_KEY: '/etc/statemesh/node.pem' });
    expect(options).toMatchObject({ apiUrl: 'http://api:3000', keyPath: '/etc/statemesh/node.pem', driver: 'simulator', nodeId: 'abc', logLevel: 'info' });
    expect(options.register).toBeUndefined();
  });

  it('takes a registration with its hardware', () => {
    const options = parseAgentOptions(
      ['--api', 'https://api', '--key', 'k.pem', '--register', '--token', 'smk_x', '--account', 'acc', '--zone', 'eu-west', '--class', 'edge', '--vcpu', '4', '--virtualization', 'false'],
      { STATEMESH_NODE_NAME: 'box-1' },
    );
    expect(options.register).toMatchObject({ bearer: 'smk_x', accountId: 'acc', zone: 'eu-west', class: 'edge', name: 'box-1', vcpu: 4, virtualization: false });
  });

  it('lists every problem at once', () => {
    expect(() => parseAgentOptions(['--driver', 'qemu', '--register', '--vcpu', 'many'], {})).toThrow(UsageError);
    try {
      parseAgentOptions(['--driver', 'qemu', '--register', '--vcpu', 'many'], {});
    } catch (error) {
      const message = (error as Error).message;
      for (const expected of ['--api', '--key', '--driver must be one of simulator', '--token', '--account', '--zone', '--vcpu must be an integer']) {
        expect(message).toContain(expected);
      }
    }
    expect(() => parseAgentOptions(['--bogus'], {})).toThrow(UsageError);
  });
});
