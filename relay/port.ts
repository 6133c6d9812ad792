/** Reads a TCP port from a CLI flag or environment variable; 0 means "any free port". */
export function parsePort(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!/^\d+$/.test(raw) || port > 65535) throw new Error(`invalid relay port "${raw}" (expected 0-65535)`);
  return port;
}
