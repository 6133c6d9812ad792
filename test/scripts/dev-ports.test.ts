import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Exit {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `npm run dev`'s script as npm would (tsx) and waits for it to exit by itself. */
function runDev(args: readonly string[], env: Record<string, string> = {}): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/dev.ts', ...args], {
      cwd: ROOT,
      env: { ...process.env, AURA_APP_PORT: '', AURA_RELAY_PORT: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const held: Server[] = [];

/** Occupies a free loopback port the way another program would, and returns it. */
async function occupyPort(): Promise<number> {
  const server = createServer();
  held.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

afterEach(async () => {
  await Promise.all(held.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

describe('npm run dev with a port already in use', () => {
  it('names the app port option in one line and exits non-zero (--port)', async () => {
    const port = await occupyPort();
    const out = await runDev(['--port', String(port), '--relay-port', '0']);
    expect(out.stderr.trim()).toBe(`Port ${port} is in use: set AURA_APP_PORT=<free port> (or --port)`);
    expect(out.stdout).toBe('');
    expect(out.code).toBe(1);
  });

  it('does the same for AURA_APP_PORT', async () => {
    const port = await occupyPort();
    const out = await runDev(['--relay-port=0'], { AURA_APP_PORT: String(port) });
    expect(out.stderr.trim()).toBe(`Port ${port} is in use: set AURA_APP_PORT=<free port> (or --port)`);
    expect(out.code).toBe(1);
  });

  it('names the relay port option in one line and exits non-zero', async () => {
    const port = await occupyPort();
    // The app port is set too, so a dev server another checkout runs on 5173 cannot be what is reported.
    const out = await runDev(['--port', '0'], { AURA_RELAY_PORT: String(port) });
    expect(out.stderr.trim()).toBe(`Port ${port} is in use: set AURA_RELAY_PORT=<free port> (or --relay-port)`);
    expect(out.stdout).toBe('');
    expect(out.code).toBe(1);
  });
});
