import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '../..');

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

async function waitForOk(url: string, timeoutMs: number): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(url);
      if (response.ok) return response;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the API process', () => {
  it('serves health, readiness, docs and the OpenAPI document, then drains and exits 0 on SIGTERM', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const child = spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], {
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const exited = waitForExit(child);
    try {
      const base = `http://127.0.0.1:${port}`;
      await waitForOk(`${base}/readyz`, 30_000);
      expect((await waitForOk(`${base}/healthz`, 1_000)).status).toBe(200);
      expect(await (await waitForOk(`${base}/docs`, 1_000)).text()).toContain('swagger');
      const document = (await (await waitForOk(`${base}/openapi.json`, 1_000)).json()) as { info: { title: string } };
      expect(document.info.title).toContain('StateMesh');
    } finally {
      child.kill('SIGTERM');
    }
    const started = Date.now();
    expect(await exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('refuses to start with a bad configuration, listing every problem', async () => {
    const child = spawn(process.execPath, [join(root, 'dist/apps/api/src/main.js')], {
      env: { ...process.env, PORT: 'eighty', LOG_LEVEL: 'chatty' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await waitForExit(child)).toBe(1);
    expect(stderr).toContain('Invalid configuration');
    expect(stderr).toContain('PORT must be an integer');
    expect(stderr).toContain('LOG_LEVEL must be one of');
  });
});
