import 'reflect-metadata';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { loadConfig, type AppConfig } from '@statemesh/config';
import { createLogger } from '@statemesh/observability';
import { createClient, createConfig } from '@statemesh/sdk/client';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createApiApp } from '../../apps/api/src/create-api-app';
import { testLogDirectory } from './test-environment';

export type SdkClient = ReturnType<typeof createClient>;


/** Captures every log line in memory and in this run's log directory. */
class LogCapture extends Writable {
  readonly lines: string[] = [];
  private readonly file: string;

  constructor() {
    super();
    mkdirSync(testLogDirectory(), { recursive: true });
    this.file = join(testLogDirectory(), `${process.pid}-${Date.now()}.log`);
  }

  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    const text = chunk.toString('utf8');
    this.lines.push(...text.split('\n').filter(Boolean));
    try {
      appendFileSync(this.file, text);
    } catch {
      // A line logged after the run's teardown removed the folder; the in-memory copy is kept.
    }
    done();
  }
}

export interface ApiHarness {
  app: NestFastifyApplication;
  baseUrl: string;
  config: AppConfig;
  logs: LogCapture;
  /** An SDK client for the running API, authenticated with `token` if given. */
  client(token?: string): SdkClient;
  close(): Promise<void>;
}

/** Starts the real API (real PostgreSQL and Redis of this test run) on an ephemeral port. */
export async function startApi(overrides: Record<string, string> = {}): Promise<ApiHarness> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'debug', PORT: '0', ...overrides });
  const logs = new LogCapture();
  const app = await createApiApp({ config, logger: createLogger(config, 'api', logs) });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const baseUrl = `http://127.0.0.1:${address.port}`;
  return {
    app,
    baseUrl,
    config,
    logs,
    client: (token?: string) =>
      createClient(createConfig({ baseUrl, headers: token ? { authorization: `Bearer ${token}` } : {} })),
    close: () => closeApi(app),
  };
}

/**
 * Closes the app, letting requests in flight finish. A connection on which
 * no request ever arrived (a client that connected, then gave up before
 * sending: agents stopped mid-call do) counts as busy for Node's HTTP
 * server until its header timeout; such connections are cut after a grace
 * period so that closing takes seconds, not a minute.
 */
async function closeApi(app: NestFastifyApplication): Promise<void> {
  const server = app.getHttpServer();
  const cut = setTimeout(() => server.closeAllConnections(), 2_000);
  try {
    await app.close();
  } finally {
    clearTimeout(cut);
  }
}

let counter = 0;

/** A unique email and a password recognisable in logs (the teardown scan looks for the prefix). */
export function newCredentials(): { email: string; password: string } {
  counter += 1;
  const unique = `${process.pid}-${Date.now()}-${counter}`;
  return { email: `user-${unique}@example.test`, password: `correct-horse-${unique}` };
}

/** An SDK call's outcome with the HTTP status at hand (the SDK leaves `response` undefined only on network failure). */
export async function send<Data, Error>(
  call: Promise<{ data?: Data; error?: Error; response?: Response }>,
): Promise<{ status: number; headers: Headers; data: Data | undefined; error: Error | undefined }> {
  const result = await call;
  if (!result.response) throw new Error(`request failed without a response: ${String(result.error)}`);
  return { status: result.response.status, headers: result.response.headers, data: result.data, error: result.error };
}
