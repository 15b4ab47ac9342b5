import { hostname } from 'node:os';
import { parseArgs } from 'node:util';

export const DRIVERS = ['simulator'] as const;
export type DriverName = (typeof DRIVERS)[number];

export interface RegistrationOptions {
  bearer: string;
  accountId: string;
  name: string;
  zone: string;
  class: 'bare-metal' | 'datacenter' | 'edge';
  arch?: 'x86_64' | 'arm64';
  vcpu?: number;
  memoryMib?: number;
  diskGib?: number;
  virtualization?: boolean;
  address?: string;
}

export interface AgentCliOptions {
  apiUrl: string;
  keyPath: string;
  driver: DriverName;
  nodeId?: string;
  register?: RegistrationOptions;
  address?: string;
  logLevel: string;
  simulator: { bootDelayMs?: number; bootFailureRate?: number; crashRatePerSecond?: number };
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export const USAGE = `Usage: node-agent --api <url> --key <file> [--driver simulator] [--node-id <id>]
       node-agent --api <url> --key <file> --register --token <token> --account <id> --zone <zone>
                  [--name <name>] [--class bare-metal|datacenter|edge] [--arch x86_64|arm64]
                  [--vcpu <n>] [--memory-mib <n>] [--disk-gib <n>] [--virtualization true|false]

Every option can also come from the environment: STATEMESH_API_URL, STATEMESH_NODE_KEY,
STATEMESH_DRIVER, STATEMESH_NODE_ID, STATEMESH_REGISTER=1, STATEMESH_API_TOKEN,
STATEMESH_ACCOUNT_ID, STATEMESH_NODE_NAME, STATEMESH_ZONE, STATEMESH_NODE_CLASS,
STATEMESH_NODE_ARCH, STATEMESH_NODE_VCPU, STATEMESH_NODE_MEMORY_MIB, STATEMESH_NODE_DISK_GIB,
STATEMESH_NODE_VIRTUALIZATION, STATEMESH_NODE_ADDRESS, LOG_LEVEL; the simulator driver reads
SIMULATOR_BOOT_DELAY_MS, SIMULATOR_BOOT_FAILURE_RATE and SIMULATOR_CRASH_RATE_PER_SECOND.
The key file is created on first start. Registering remembers the node id beside the key.`;

const FLAGS = {
  api: { type: 'string', env: 'STATEMESH_API_URL' },
  key: { type: 'string', env: 'STATEMESH_NODE_KEY' },
  driver: { type: 'string', env: 'STATEMESH_DRIVER' },
  'node-id': { type: 'string', env: 'STATEMESH_NODE_ID' },
  register: { type: 'boolean', env: 'STATEMESH_REGISTER' },
  token: { type: 'string', env: 'STATEMESH_API_TOKEN' },
  account: { type: 'string', env: 'STATEMESH_ACCOUNT_ID' },
  name: { type: 'string', env: 'STATEMESH_NODE_NAME' },
  zone: { type: 'string', env: 'STATEMESH_ZONE' },
  class: { type: 'string', env: 'STATEMESH_NODE_CLASS' },
  arch: { type: 'string', env: 'STATEMESH_NODE_ARCH' },
  vcpu: { type: 'string', env: 'STATEMESH_NODE_VCPU' },
  'memory-mib': { type: 'string', env: 'STATEMESH_NODE_MEMORY_MIB' },
  'disk-gib': { type: 'string', env: 'STATEMESH_NODE_DISK_GIB' },
  virtualization: { type: 'string', env: 'STATEMESH_NODE_VIRTUALIZATION' },
  address: { type: 'string', env: 'STATEMESH_NODE_ADDRESS' },
  'log-level': { type: 'string', env: 'LOG_LEVEL' },
  'boot-delay-ms': { type: 'string', env: 'SIMULATOR_BOOT_DELAY_MS' },
  'boot-failure-rate': { type: 'string', env: 'SIMULATOR_BOOT_FAILURE_RATE' },
  'crash-rate': { type: 'string', env: 'SIMULATOR_CRASH_RATE_PER_SECOND' },
  help: { type: 'boolean', env: '' },
} as const;

type Flag = keyof typeof FLAGS;

/** Command-line flags first, then the environment. Throws UsageError listing what is wrong. */
export function parseAgentOptions(argv: string[], env: Record<string, string | undefined>): AgentCliOptions {
  let values: Partial<Record<Flag, string | boolean>>;
  try {
    values = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(FLAGS).map(([flag, { type }]) => [flag, { type }])),
      strict: true,
      allowPositionals: false,
    }).values as Partial<Record<Flag, string | boolean>>;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) throw new UsageError('');
  const problems: string[] = [];
  const text = (flag: Flag): string | undefined => {
    const value = values[flag] ?? (FLAGS[flag].env ? env[FLAGS[flag].env] : undefined);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const flag = (name: Flag): boolean => values[name] === true || ['1', 'true', 'yes'].includes((FLAGS[name].env && env[FLAGS[name].env]) || '');
  const number = (name: Flag, integer: boolean, min: number, max: number): number | undefined => {
    const raw = text(name);
    if (raw === undefined) return undefined;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
      problems.push(`--${name} must be ${integer ? 'an integer' : 'a number'} between ${min} and ${max} (got "${raw}")`);
      return undefined;
    }
    return value;
  };
  const oneOf = <T extends string>(name: Flag, allowed: readonly T[]): T | undefined => {
    const raw = text(name);
    if (raw !== undefined && !(allowed as readonly string[]).includes(raw)) {
      problems.push(`--${name} must be one of ${allowed.join(', ')} (got "${raw}")`);
      return undefined;
    }
    return raw as T | undefined;
  };

  const apiUrl = text('api');
  if (!apiUrl) problems.push('--api (or STATEMESH_API_URL) is required');
  else if (!/^https?:\/\//.test(apiUrl)) problems.push('--api must be an http(s) URL');
  const keyPath = text('key');
  if (!keyPath) problems.push('--key (or STATEMESH_NODE_KEY) is required');
  const driver = oneOf('driver', DRIVERS) ?? 'simulator';
  const virtualization = oneOf('virtualization', ['true', 'false'] as const);

  let register: RegistrationOptions | undefined;
  if (flag('register')) {
    const bearer = text('token');
    const accountId = text('account');
    const zone = text('zone');
    if (!bearer) problems.push('--register needs --token (or STATEMESH_API_TOKEN): an operator token with nodes:write');
    if (!accountId) problems.push('--register needs --account (or STATEMESH_ACCOUNT_ID)');
    if (!zone) problems.push('--register needs --zone (or STATEMESH_ZONE)');
    register = {
      bearer: bearer ?? '',
      accountId: accountId ?? '',
      zone: zone ?? '',
      name: text('name') ?? hostname().toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 63),
      class: oneOf('class', ['bare-metal', 'datacenter', 'edge'] as const) ?? 'datacenter',
      arch: oneOf('arch', ['x86_64', 'arm64'] as const),
      vcpu: number('vcpu', true, 1, 4096),
      memoryMib: number('memory-mib', true, 1, 2 ** 31 - 1),
      diskGib: number('disk-gib', true, 1, 2 ** 31 - 1),
      virtualization: virtualization === undefined ? undefined : virtualization === 'true',
      address: text('address'),
    };
  }
  const options: AgentCliOptions = {
    apiUrl: apiUrl ?? '',
    keyPath: keyPath ?? '',
    driver,
    nodeId: text('node-id'),
    register,
    address: text('address'),
    logLevel: text('log-level') ?? 'info',
    simulator: {
      bootDelayMs: number('boot-delay-ms', true, 0, 3_600_000),
      bootFailureRate: number('boot-failure-rate', false, 0, 1),
      crashRatePerSecond: number('crash-rate', false, 0, 1),
    },
  };
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return options;
}
