import { Injectable, Logger, OnApplicationShutdown, OnModuleDestroy } from '@nestjs/common';

/**
 * Logs the one shutdown line. The worker module is the root, so its
 * onModuleDestroy runs before the queue and database modules start closing,
 * and onApplicationShutdown after everything has closed.
 */
@Injectable()
export class WorkerLifecycle implements OnModuleDestroy, OnApplicationShutdown {
  private readonly logger = new Logger('Worker');
  private stoppingSince = Date.now();

  onModuleDestroy(): void {
    this.stoppingSince = Date.now();
  }

  onApplicationShutdown(signal?: string): void {
    this.logger.log(`worker stopped${signal ? ` on ${signal}` : ''} in ${Date.now() - this.stoppingSince} ms`);
  }
}
