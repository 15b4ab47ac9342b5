export * from './job-types';
export * from './outbox-message';
export * from './job-enqueuer.service';
export * from './outbox.repository';
