/**
 * The local stack's port check (local/ports.ts) and the line `npm start` prints when it cannot start.
 */
import { createServer } from "node:net";
import type { AddressInfo, Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PortInUseError, assertPortsFree, portIsFree } from "../../../local/ports";
import { startFailure } from "../../../local/start";

describe("port check", () => {
  let taken: Server;
  let port: number;
  beforeAll(async () => {
    taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, "localhost", ok));
    port = (taken.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((ok) => taken.close(ok));
  });

  it("sees a port another server listens on, and leaves it to that server", async () => {
    expect(await portIsFree(port)).toBe(false);
    expect(taken.listening).toBe(true);
  });

  it("names the port, what it is for and the variable to set, with a free port as the example", async () => {
    const err = await assertPortsFree([
      { port: 0, variable: "PORT", what: "the site" },
      { port, variable: "COGNITO_PORT", what: "cognito-local" },
    ]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortInUseError);
    const e = err as PortInUseError;
    expect(e.code).toBe("EADDRINUSE");
    expect(e.message).toMatch(new RegExp(`^port ${port} \\(cognito-local\\) is already in use\\. Set COGNITO_PORT to a free port, e\\.g\\. COGNITO_PORT=\\d+ npm start$`));
    expect(e.suggestion).not.toBe(port);
    expect(await portIsFree(e.suggestion!)).toBe(true);
  });

  it("says that 9229 is also Node's inspector port", () => {
    const e = new PortInUseError({ port: 9229, variable: "COGNITO_PORT", what: "cognito-local" }, 9239);
    expect(e.message).toBe(
      "port 9229 (cognito-local) is already in use; 9229 is also Node's inspector port (node --inspect). Set COGNITO_PORT to a free port, e.g. COGNITO_PORT=9239 npm start",
    );
  });

  it("passes free ports and port 0 (any free port)", async () => {
    await expect(assertPortsFree([{ port: 0, variable: "PORT", what: "the site" }])).resolves.toBeUndefined();
  });

  it("refuses the same port twice", async () => {
    await expect(
      assertPortsFree([
        { port: 4000, variable: "PORT", what: "the site" },
        { port: 0, variable: "LAMBDA_PORT", what: "lambda" },
        { port: 4000, variable: "COGNITO_PORT", what: "cognito-local" },
      ]),
    ).rejects.toThrow("PORT and COGNITO_PORT are both 4000: give each its own port");
  });
});

describe("startFailure", () => {
  it.each<[string, unknown, string]>([
    ["a port check", new PortInUseError({ port: 3000, variable: "PORT", what: "the site" }, 3010), "npm start failed: port 3000 (the site) is already in use. Set PORT to a free port, e.g. PORT=3010 npm start"],
    [
      "a port taken after the check",
      Object.assign(new Error("listen EADDRINUSE: address already in use 127.0.0.1:9230"), { code: "EADDRINUSE" }),
      "npm start failed: listen EADDRINUSE: address already in use 127.0.0.1:9230 (is another npm start running? Set PORT, COGNITO_PORT, AUTH_FRONT_PORT, LAMBDA_PORT or OIDC_PORT to other ports)",
    ],
    ["anything else", new Error("EDGE_AUTH_MODE=x is not a mode (static or spa)"), "npm start failed: EDGE_AUTH_MODE=x is not a mode (static or spa)"],
  ])("%s", (_name, err, line) => {
    expect(startFailure(err)).toBe(line);
  });
});
