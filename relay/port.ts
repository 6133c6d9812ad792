import { createServer } from 'node:net';

/** Reads a TCP port from a CLI flag or environment variable; 0 means "any free port". */
export function parsePort(raw: string | undefined, fallback: number, what = 'relay port'): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new Error(`invalid ${what} "${raw}" (expected 0-65535)`);
  return port;
}

/** The value of `--name N` or `--name=N` in `argv`, if the flag is there. */
export function flagValue(argv: readonly string[], name: string): string | undefined {
  const flag = `--${name}`;
  const at = argv.findIndex((a) => a === flag || a.startsWith(`${flag}=`));
  if (at < 0) return undefined;
  const arg = argv[at]!;
  return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[at + 1];
}

/**
 * Fails with one line naming the option to change when `host:port` is taken. Neither libp2p nor Vite reports
 * a taken port in a form worth showing (libp2p wraps it in a multi-line listen error, Vite in a plain message),
 * so the port is bound for a moment first; a port taken between this check and the real listen still fails,
 * only less clearly.
 */
export async function ensurePortFree(host: string, port: number, option: string): Promise<void> {
  if (port === 0) return;
  const taken = await new Promise<boolean>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e: NodeJS.ErrnoException) => (e.code === 'EADDRINUSE' ? resolve(true) : reject(e)));
    probe.listen(port, host, () => probe.close(() => resolve(false)));
  });
  if (taken) throw new Error(`Port ${port} is in use: set ${option}`);
}
