/**
 * Rejects when `work` takes longer than `ms`. The work itself is not
 * cancelled: callers use this only where finishing late is harmless
 * (a relayed job that arrives twice is deduplicated by its id).
 */
export async function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
