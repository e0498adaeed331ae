/**
 * Small helpers shared by the local servers (Hosted UI front, local CloudFront, Lambda invoke endpoint).
 */
import type { IncomingMessage, Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * Listens on `host` (port 0 picks a free one) and returns the URL and a `stop` that also closes kept-alive
 * connections, so Ctrl-C and test teardown do not wait for idle sockets.
 */
export async function listen(server: Server, port: number, host = "localhost"): Promise<Listening> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    port: actual,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The whole request body. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
