import { DEFAULT_VDF_ITERATIONS, FASTEST_SQUARINGS_PER_SECOND } from '@statemesh/vdf';
import { EnvReader } from './env-reader';

export type Environment = 'development' | 'test' | 'production';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

// Development-only defaults. NODE_ENV=production refuses to start without real values.
const DEVELOPMENT_JWT_SECRET = 'statemesh-development-only-jwt-signing-key';
const DEVELOPMENT_DATA_KEY = Buffer.alloc(32, 7).toString('base64');
const DEVELOPMENT_DEPOSIT_WEBHOOK_SECRET = 'statemesh-development-only-deposit-webhook-secret';

/** Master key ids: short, and never containing the `:` and `,` of DATA_ENCRYPTION_RETIRED_KEYS. */
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
const KEY_ID_DESCRIPTION = '1-64 letters, digits, ".", "_" or "-"';

/** The validated, typed configuration of every StateMesh process. Inject it by class. */
export class AppConfig {
  env: Environment;
  http: { host: string; port: number; bodyLimitBytes: number; publicUrl: string; trustProxy: boolean | string[] };
  database: { url: string; poolSize: number };
  redis: { url: string; prefix: string };
  auth: {
    jwtSecret: string;
    accessTokenTtlSeconds: number;
    refreshTokenTtlSeconds: number;
  };
  /**
   * Master keys for data at rest (they wrap the per-secret data keys). The
   * active key wraps everything written from now on; retired keys are kept
   * only to read what they wrapped until `secrets:rotate-master` has moved it.
   */
  dataEncryption: {
    activeKeyId: string;
    /** Every master key by id, the active one included. */
    keys: ReadonlyMap<string, Buffer>;
  };
  admin: { email: string; password: string };
  rateLimit: { requestsPerMinute: number };
  idempotency: { ttlHours: number };
  outbox: { pollIntervalMs: number; batchSize: number; publishTimeoutMs: number; maxRetryDelayMs: number };
  worker: { concurrency: number };
  dns: { baseDomain: string };
  billing: {
    /** Shared secret of the payment provider's deposit webhook (HMAC-SHA256). */
    depositWebhookSecret: string;
    /** How far a webhook's signed timestamp may be from now, either way, before it is refused as stale. */
    depositWebhookToleranceSeconds: number;
  };
  log: { level: LogLevel };
  nodes: NodesConfig;
  compute: ComputeConfig;
  settlement: SettlementConfig;
}

/** Virtual machines: quotas, placement retries and the hand-off to node agents. */
export interface ComputeConfig {
  /** Limits of an account without an admin-set quota. */
  defaultQuota: { maxVms: number; maxVcpu: number; maxMemoryMib: number };
  /** An assignment delivered but not acknowledged for this long is delivered again. */
  assignmentAckTimeoutSeconds: number;
  /** Longest long-poll an agent may ask for on GET /agent/v1/assignments. */
  assignmentMaxWaitSeconds: number;
  /** First and longest delay between placement retries of an unschedulable VM. */
  placementRetryInitialSeconds: number;
  placementRetryMaxSeconds: number;
  /** Failure reports in a row after which a restarting VM is in crashLoop. */
  crashLoopThreshold: number;
  /** Delay before the first automatic restart after a failure; doubled for every further failure in a row, up to the maximum. */
  restartBackoffInitialSeconds: number;
  restartBackoffMaxSeconds: number;
  /** A VM that ran this long before failing starts its failure count afresh. */
  crashLoopResetSeconds: number;
  /** How often the worker reconciles VMs with what node agents report. */
  reconcileIntervalSeconds: number;
}

/** Hourly metering and settlement, and what happens when a wallet runs dry. */
export interface SettlementConfig {
  /** Creating or starting a VM needs a balance covering this many hours of it. */
  minRunwayHours: number;
  /** How long an account that cannot pay keeps running before its VMs are suspended. */
  graceHours: number;
  /** Length of a settlement period in seconds (3600 in production; shorter in tests and demos). */
  periodSeconds: number;
  /** How many tenant shards of a period are settled at once, each in its own database transaction. */
  parallelism: number;
}

/** Node registration, agent sessions and the Time Tower (presence proofs and epochs). */
export interface NodesConfig {
  /** Minimum hardware a node must register with. */
  minVcpu: number;
  minMemoryMib: number;
  minDiskGib: number;
  /** A node without a heartbeat for this long is unreachable. */
  unreachableAfterSeconds: number;
  /**
   * How long a node stays unreachable before it is lost and its VMs are
   * rescheduled elsewhere. Agents stop their VMs after this long without
   * reaching the API (self-fencing), before the platform places them again.
   */
  nodeLossGraceSeconds: number;
  /** Lifetime of a node session token. */
  tokenTtlSeconds: number;
  /** Lifetime of a session challenge nonce. */
  challengeTtlSeconds: number;
  /** An agent proves presence once per interval. */
  proofIntervalSeconds: number;
  /** The VDF delay T: sequential squarings per proof. */
  vdfIterations: number;
  /** The fastest known squaring rate; proofs arriving sooner than T squarings at this rate are rejected. */
  fastestSquaringsPerSecond: number;
  epochSeconds: number;
  /** K: good epochs in a row for a candidate to become active. */
  epochsToActivate: number;
  /** Share of expected proofs an epoch needs to count as good (0..1]. */
  activeProofThreshold: number;
  /** J: epochs a jail term lasts. */
  jailEpochs: number;
  /** Epochs in a row without a valid proof that jail a node which had been active. */
  absenceEpochsToJail: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function dataEncryption(read: EnvReader): AppConfig['dataEncryption'] {
  const activeKeyId = read.identifier('DATA_ENCRYPTION_KEY_ID', 'k1', KEY_ID, KEY_ID_DESCRIPTION);
  const activeKey = read.key('DATA_ENCRYPTION_KEY', DEVELOPMENT_DATA_KEY, 32);
  const retired = read.keyList('DATA_ENCRYPTION_RETIRED_KEYS', 32, KEY_ID);
  if (retired.has(activeKeyId)) {
    read.problems.push(`DATA_ENCRYPTION_RETIRED_KEYS must not list the active key id "${activeKeyId}"`);
  }
  return { activeKeyId, keys: new Map([[activeKeyId, activeKey], ...[...retired].filter(([id]) => id !== activeKeyId)]) };
}

/**
 * Which proxies' `X-Forwarded-For` to believe for the client address (rate
 * limits of anonymous routes): none by default; `true` for any; or a
 * comma-separated list of addresses and CIDRs of the load balancers.
 */
function trustProxy(value: string): boolean | string[] {
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  return value.split(',').map((part) => part.trim()).filter(Boolean);
}

/** Reads and validates the whole configuration; throws one ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const envName = env.NODE_ENV === undefined || env.NODE_ENV === '' ? 'development' : env.NODE_ENV;
  const production = envName === 'production';
  const read = new EnvReader(env, production);
  const environment = read.oneOf<Environment>('NODE_ENV', ['development', 'test', 'production'], 'development');
  const port = read.integer('PORT', 3000, 0, 65535);
  const host = read.string('HOST', '0.0.0.0');

  const config: AppConfig = {
    env: environment,
    http: {
      host,
      port,
      bodyLimitBytes: read.integer('BODY_LIMIT_BYTES', 1024 * 1024, 1024, 64 * 1024 * 1024),
      publicUrl: read.url('PUBLIC_URL', `http://127.0.0.1:${port}`, ['http:', 'https:']),
      trustProxy: trustProxy(read.string('TRUST_PROXY', '')),
    },
    database: {
      url: read.url('DATABASE_URL', 'postgresql://postgres@127.0.0.1:5432/statemesh', ['postgresql:', 'postgres:']),
      poolSize: read.integer('DATABASE_POOL_SIZE', 10, 1, 500),
    },
    redis: {
      url: read.url('REDIS_URL', 'redis://127.0.0.1:6379', ['redis:', 'rediss:']),
      prefix: read.string('REDIS_PREFIX', 'statemesh'),
    },
    auth: {
      jwtSecret: read.secret('JWT_SECRET', DEVELOPMENT_JWT_SECRET, 32),
      accessTokenTtlSeconds: read.integer('ACCESS_TOKEN_TTL_SECONDS', 900, 30, 86_400),
      refreshTokenTtlSeconds: read.integer('REFRESH_TOKEN_TTL_SECONDS', 30 * 86_400, 300, 365 * 86_400),
    },
    dataEncryption: dataEncryption(read),
    admin: {
      email: read.email('ADMIN_EMAIL', 'admin@statemesh.local'),
      password: read.secret('ADMIN_PASSWORD', 'statemesh-admin', 12),
    },
    rateLimit: { requestsPerMinute: read.integer('RATE_LIMIT_PER_MINUTE', 600, 1, 1_000_000) },
    idempotency: { ttlHours: read.integer('IDEMPOTENCY_TTL_HOURS', 24, 24, 24 * 30) },
    outbox: {
      pollIntervalMs: read.integer('OUTBOX_POLL_INTERVAL_MS', 250, 10, 60_000),
      batchSize: read.integer('OUTBOX_BATCH_SIZE', 500, 1, 10_000),
      // How long the relay waits for Redis to accept a batch before it gives up and rolls back.
      publishTimeoutMs: read.integer('OUTBOX_PUBLISH_TIMEOUT_MS', 5_000, 100, 60_000),
      // The longest pause between relay attempts while Redis or PostgreSQL is unreachable.
      maxRetryDelayMs: read.integer('OUTBOX_MAX_RETRY_DELAY_MS', 30_000, 10, 600_000),
    },
    worker: { concurrency: read.integer('WORKER_CONCURRENCY', 4, 1, 1_000) },
    dns: { baseDomain: read.dnsName('BASE_DOMAIN', 'statemesh.net') },
    billing: {
      depositWebhookSecret: read.secret('DEPOSIT_WEBHOOK_SECRET', DEVELOPMENT_DEPOSIT_WEBHOOK_SECRET, 32),
      depositWebhookToleranceSeconds: read.integer('DEPOSIT_WEBHOOK_TOLERANCE_SECONDS', 300, 30, 3600),
    },
    log: {
      level: read.oneOf<LogLevel>(
        'LOG_LEVEL',
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
        environment === 'test' ? 'warn' : 'info',
      ),
    },
    nodes: readNodesConfig(read),
    compute: {
      defaultQuota: {
        maxVms: read.integer('QUOTA_DEFAULT_MAX_VMS', 20, 0, 1_000_000),
        maxVcpu: read.integer('QUOTA_DEFAULT_MAX_VCPU', 64, 0, 10_000_000),
        maxMemoryMib: read.integer('QUOTA_DEFAULT_MAX_MEMORY_MIB', 256 * 1024, 0, 2 ** 31 - 1),
      },
      assignmentAckTimeoutSeconds: read.integer('ASSIGNMENT_ACK_TIMEOUT_SECONDS', 60, 1, 86_400),
      assignmentMaxWaitSeconds: read.integer('ASSIGNMENT_MAX_WAIT_SECONDS', 30, 1, 120),
      placementRetryInitialSeconds: read.number('PLACEMENT_RETRY_INITIAL_SECONDS', 5, 0.1, 3_600),
      placementRetryMaxSeconds: read.number('PLACEMENT_RETRY_MAX_SECONDS', 300, 0.1, 86_400),
      crashLoopThreshold: read.integer('CRASH_LOOP_THRESHOLD', 5, 1, 1_000),
      restartBackoffInitialSeconds: read.number('RESTART_BACKOFF_INITIAL_SECONDS', 2, 0.1, 3_600),
      restartBackoffMaxSeconds: read.number('RESTART_BACKOFF_MAX_SECONDS', 300, 0.1, 86_400),
      crashLoopResetSeconds: read.number('CRASH_LOOP_RESET_SECONDS', 600, 1, 86_400),
      reconcileIntervalSeconds: read.number('RECONCILE_INTERVAL_SECONDS', 2, 0.1, 3_600),
    },
    settlement: {
      minRunwayHours: read.number('MIN_RUNWAY_HOURS', 1, 0, 24 * 365),
      graceHours: read.number('WALLET_GRACE_HOURS', 24, 0, 24 * 365),
      periodSeconds: read.integer('SETTLEMENT_PERIOD_SECONDS', 3600, 1, 86_400),
      parallelism: read.integer('SETTLEMENT_PARALLELISM', 2, 1, 64),
    },
  };
  if (!/^[a-zA-Z0-9:_-]{1,64}$/.test(config.redis.prefix)) {
    read.problems.push('REDIS_PREFIX must be 1-64 characters of letters, digits, ":", "_" or "-"');
  }
  if (config.outbox.maxRetryDelayMs < config.outbox.pollIntervalMs) {
    read.problems.push('OUTBOX_MAX_RETRY_DELAY_MS must not be less than OUTBOX_POLL_INTERVAL_MS');
  }
  if (read.problems.length > 0) throw new ConfigError(read.problems);
  return Object.freeze(config);
}

/**
 * For process entry points: the validated configuration, or — when it is
 * invalid — the list of every problem on stderr and exit code 1.
 */
export function loadConfigOrExit(env: Record<string, string | undefined> = process.env): AppConfig {
  try {
    return loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

function readNodesConfig(read: EnvReader): NodesConfig {
  const nodes: NodesConfig = {
    minVcpu: read.integer('MIN_NODE_VCPU', 2, 1, 4096),
    minMemoryMib: read.integer('MIN_NODE_MEMORY_MIB', 4096, 128, 64 * 1024 * 1024),
    minDiskGib: read.integer('MIN_NODE_DISK_GIB', 50, 1, 1024 * 1024),
    unreachableAfterSeconds: read.integer('NODE_UNREACHABLE_AFTER_SECONDS', 60, 1, 86_400),
    nodeLossGraceSeconds: read.number('NODE_LOSS_GRACE_SECONDS', 120, 1, 86_400),
    tokenTtlSeconds: read.integer('NODE_TOKEN_TTL_SECONDS', 600, 30, 86_400),
    challengeTtlSeconds: read.integer('NODE_CHALLENGE_TTL_SECONDS', 60, 1, 3_600),
    proofIntervalSeconds: read.number('PROOF_INTERVAL_SECONDS', 60, 0.05, 86_400),
    vdfIterations: read.integer('VDF_ITERATIONS', DEFAULT_VDF_ITERATIONS, 1, 2 ** 32),
    fastestSquaringsPerSecond: read.number('VDF_FASTEST_SQUARINGS_PER_SECOND', FASTEST_SQUARINGS_PER_SECOND, 1, 1e15),
    epochSeconds: read.integer('EPOCH_SECONDS', 600, 1, 7 * 86_400),
    epochsToActivate: read.integer('EPOCHS_TO_ACTIVATE', 3, 1, 1_000),
    activeProofThreshold: read.number('ACTIVE_PROOF_THRESHOLD', 0.8, 0.01, 1),
    jailEpochs: read.integer('JAIL_EPOCHS', 6, 1, 10_000),
    absenceEpochsToJail: read.integer('ABSENCE_EPOCHS_TO_JAIL', 3, 1, 10_000),
  };
  if (nodes.proofIntervalSeconds > nodes.epochSeconds) {
    read.problems.push('PROOF_INTERVAL_SECONDS must not exceed EPOCH_SECONDS: every epoch needs at least one proof');
  }
  return nodes;
}
