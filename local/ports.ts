/**
 * Ports of the local stack: is one free, and an error that names the variable to change when it is not.
 *
 * cognito-local runs as a child process, so a taken port would only show as "cognito-local exited"; its default,
 * 9229, is also the port of Node's inspector (`node --inspect`). Checking every port before anything starts gives
 * the same clear message for all four.
 */
import { lookup } from "node:dns/promises";
import { createServer } from "node:net";

/** A port of the stack and the environment variable that sets it (`PORT`, `COGNITO_PORT`, ...). */
export interface StackPort {
  port: number;
  variable: string;
  /** What listens there, for the message: `the site`, `cognito-local`, ... */
  what: string;
}

/** A port of the stack is taken by another process. */
export class PortInUseError extends Error {
  readonly code = "EADDRINUSE";
  constructor(
    readonly port: StackPort,
    readonly suggestion: number | undefined,
  ) {
    const inspector = port.port === 9229 ? "; 9229 is also Node's inspector port (node --inspect)" : "";
    const example = suggestion === undefined ? "" : `, e.g. ${port.variable}=${suggestion} npm start`;
    super(`port ${port.port} (${port.what}) is already in use${inspector}. Set ${port.variable} to a free port${example}`);
    this.name = "PortInUseError";
  }
}

/** Tries to listen on `host:port`; false when the address is in use. Other errors (no IPv6, ...) are left to the
 *  real listen, which reports them. */
function canListen(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", (err: NodeJS.ErrnoException) => resolve(err.code !== "EADDRINUSE"));
    server.listen({ port, host, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/**
 * Whether `port` is free on every address `host` resolves to (`localhost` is 127.0.0.1, ::1 or both), i.e. a
 * server of ours, or cognito-local, that listens on `host` gets it and every client of `host` reaches it.
 */
export async function portIsFree(port: number, host = "localhost"): Promise<boolean> {
  const addresses = await lookup(host, { all: true }).catch(() => [{ address: host }]);
  for (const { address } of addresses) if (!(await canListen(port, address))) return false;
  return true;
}

/**
 * Throws a `PortInUseError` for the first port (other than 0, "any free port") that is taken, with a free port
 * nearby as the suggestion (not one of the stack's other ports); and an error when two ports are the same.
 */
export async function assertPortsFree(ports: readonly StackPort[], host = "localhost"): Promise<void> {
  for (const [i, p] of ports.entries()) {
    const twin = ports.slice(i + 1).find((o) => o.port !== 0 && o.port === p.port);
    if (twin) throw new Error(`${p.variable} and ${twin.variable} are both ${p.port}: give each its own port`);
  }
  for (const p of ports) {
    if (p.port === 0 || (await portIsFree(p.port, host))) continue;
    const others = new Set(ports.map((o) => o.port));
    let suggestion: number | undefined;
    for (let candidate = p.port + 10; candidate <= Math.min(p.port + 100, 65535); candidate += 10) {
      if (!others.has(candidate) && (await portIsFree(candidate, host))) {
        suggestion = candidate;
        break;
      }
    }
    throw new PortInUseError(p, suggestion);
  }
}
