import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '@statemesh/config';
import { PgNotificationListener } from '@statemesh/database';
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
  private listener: PgNotificationListener | undefined;

  constructor(private readonly config: AppConfig) {}

  start(onNotification: () => void): void {
    if (this.listener) return;
    const { pollIntervalMs, maxRetryDelayMs } = this.config.outbox;
    this.listener = new PgNotificationListener(this.config.database.url, OUTBOX_CHANNEL, () => onNotification(), onNotification, {
      retryDelayMs: (failures) => retryDelayMs(failures, pollIntervalMs, maxRetryDelayMs),
      onLost: (error) => this.outage.failed(error),
      onRestored: () => this.outage.recovered(),
    });
    this.listener.start();
  }

  async stop(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    await listener?.stop();
  }
}
