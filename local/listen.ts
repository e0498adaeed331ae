/**
 * Starts a local server: listens on `host` (port 0 picks a free one) and returns its URL and a `stop` that also
 * closes kept-alive connections, so Ctrl-C and test teardown do not wait for idle sockets.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Listening {
  url: string;
  port: number;
  stop(): Promise<void>;
}

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
