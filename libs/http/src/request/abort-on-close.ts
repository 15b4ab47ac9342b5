import type { FastifyReply } from 'fastify';

/** Ends a long-poll early when the client goes away (the response closes before it was sent). */
export function abortOnClose(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) controller.abort();
  });
  return controller.signal;
}
