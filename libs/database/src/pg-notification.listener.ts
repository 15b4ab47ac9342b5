import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/**
 * One dedicated PostgreSQL connection LISTENing on a channel. NOTIFY is
 * transactional — delivered only when the notifying transaction commits —
 * which makes it the right wake-up for "new rows are visible now". A lost
 * connection is reopened with back-off, and `onReconnect` tells the owner
 * that notifications may have been missed meanwhile.
 */
export interface PgNotificationListenerOptions {
  /** Pause before the n-th reconnect attempt (n ≥ 1). */
  retryDelayMs?: (failures: number) => number;
  /** Told of every failed connection or attempt; by default the first of a run is logged. */
  onLost?: (error: unknown) => void;
  /** Told when a connection is back after failures; by default logged. */
  onRestored?: (failures: number) => void;
}

export class PgNotificationListener {
  private readonly logger = new Logger(PgNotificationListener.name);
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private running = false;

  constructor(
    private readonly databaseUrl: string,
    private readonly channel: string,
    private readonly onNotification: (payload: string) => void,
    private readonly onReconnect: () => void = () => undefined,
    private readonly options: PgNotificationListenerOptions = {},
  ) {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new TypeError(`invalid channel name ${channel}`);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    if (client) await discard(client);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: `statemesh-listen-${this.channel}` });
    this.client = client;
    client.on('notification', (message) => this.onNotification(message.payload ?? ''));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${this.channel}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    if (this.failures > 0) {
      if (this.options.onRestored) this.options.onRestored(this.failures);
      else this.logger.log(`LISTEN ${this.channel} restored`);
    }
    this.failures = 0;
    this.onReconnect();
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    void discard(client);
    if (!this.running) return;
    this.failures += 1;
    if (this.options.onLost) this.options.onLost(error);
    else if (this.failures === 1) this.logger.warn(`LISTEN ${this.channel} lost (${(error as Error).message}); reconnecting`);
    const delayMs = this.options.retryDelayMs?.(this.failures) ?? Math.min(30_000, 100 * 2 ** Math.min(this.failures, 8));
    this.reconnectTimer = setTimeout(() => void this.connect(), delayMs);
  }
}

async function discard(client: Client): Promise<void> {
  client.removeAllListeners();
  client.on('error', () => undefined); // a late socket error must not crash the process
  await client.end().catch(() => undefined);
}
