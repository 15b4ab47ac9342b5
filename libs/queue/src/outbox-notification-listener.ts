import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { Client } from 'pg';
import { OUTBOX_CHANNEL } from './outbox.repository';
import { OutageLog } from './outage-log';
import { retryDelayMs } from './retry-delay';

/**
 * Holds one dedicated PostgreSQL connection LISTENing on the outbox channel, so
 * the relay hears about a committed job within milliseconds instead of at the
 * next poll. Notifications are only a shortcut: the relay still polls, and a
 * lost connection is reopened with backoff (with a wake-up after each reconnect
 * for whatever was committed while nobody listened).
 */
@Injectable()
export class OutboxNotificationListener {
  private readonly logger = new Logger(OutboxNotificationListener.name);
  private readonly outage = new OutageLog(this.logger, 'outbox LISTEN connection', 'falling back to polling while it reconnects');
  private client: Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failures = 0;
  private running = false;
  private onNotification: () => void = () => undefined;

  constructor(private readonly config: AppConfig) {}

  start(onNotification: () => void): void {
    if (this.running) return;
    this.running = true;
    this.onNotification = onNotification;
    void this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    if (client) await this.discard(client);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.config.database.url, application_name: 'statemesh-outbox-listener' });
    this.client = client;
    client.on('notification', () => this.onNotification());
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    this.failures = 0;
    this.outage.recovered();
    this.onNotification();
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    void this.discard(client);
    if (!this.running) return;
    this.failures += 1;
    this.outage.failed(error);
    const { pollIntervalMs, maxRetryDelayMs } = this.config.outbox;
    this.reconnectTimer = setTimeout(() => void this.connect(), retryDelayMs(this.failures, pollIntervalMs, maxRetryDelayMs));
  }

  private async discard(client: Client): Promise<void> {
    client.removeAllListeners();
    client.on('error', () => undefined); // a late socket error must not crash the process
    await client.end().catch(() => undefined);
  }
}
