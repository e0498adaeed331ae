/**
 * The Hosted UI front's token endpoint (local/auth-front.ts), against a stand-in for cognito-local: a refresh token
 * is bound to the app client it was issued to, as Cognito binds it (cognito-local does not), so one local site's
 * refresh token cannot refresh another site's session.
 */
import { randomBytes } from "node:crypto";
import { createServer } from "node:http";
import type { Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { basicClientId, startAuthFront } from "../../../local/auth-front";
import { listen, readBody } from "../../../local/server";

/** What the stand-in received at its token endpoint. */
const received: URLSearchParams[] = [];
let upstream: Awaited<ReturnType<typeof listen>>;
let front: Awaited<ReturnType<typeof startAuthFront>>;

beforeAll(async () => {
  // cognito-local's behaviour: a refresh token is good for any client; each code exchange issues a new one.
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const form = new URLSearchParams(body.toString("utf8"));
      received.push(form);
      const refresh = form.get("grant_type") === "authorization_code" ? { refresh_token: randomBytes(16).toString("hex") } : {};
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id_token: "x.y.z", access_token: "a.b.c", token_type: "Bearer", expires_in: 300, ...refresh }));
    });
  });
  upstream = await listen(server, 0);
  front = await startAuthFront({ port: 0, cognitoUrl: upstream.url });
});
afterAll(async () => {
  await front?.stop();
  await upstream?.stop();
});

const token = (form: Record<string, string>, headers: Record<string, string> = {}) =>
  fetch(`${front.url}/oauth2/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(form) });

/** A refresh token issued to `clientId` through the front (client id in the form, or in HTTP Basic). */
async function issued(clientId: string, basic = false): Promise<string> {
  const res = basic
    ? await token({ grant_type: "authorization_code", code: "c" }, { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:secret`).toString("base64")}` })
    : await token({ grant_type: "authorization_code", code: "c", client_id: clientId });
  expect(res.status).toBe(200);
  return ((await res.json()) as { refresh_token: string }).refresh_token;
}

describe("the front's token endpoint", () => {
  it("refreshes with a refresh token for the client it was issued to", async () => {
    const rt = await issued("clientA");
    const res = await token({ grant_type: "refresh_token", refresh_token: rt, client_id: "clientA" });
    expect(res.status).toBe(200);
    expect(received.at(-1)?.get("refresh_token")).toBe(rt);
  });

  it.each([
    ["another client in the form", { client_id: "clientB" }],
    ["no client at all", {}],
  ])("refuses a refresh token issued to another client (%s) with invalid_grant, without asking cognito-local", async (_, extra) => {
    const rt = await issued("clientA");
    const before = received.length;
    const res = await token({ grant_type: "refresh_token", refresh_token: rt, ...extra });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "invalid_grant", error_description: "Invalid refresh token" });
    expect(received.length).toBe(before);
  });

  it("knows the client of a confidential exchange from HTTP Basic (form-encoded id)", async () => {
    const rt = await issued("client+1", true);
    expect((await token({ grant_type: "refresh_token", refresh_token: rt, client_id: "client+1" })).status).toBe(200);
    expect((await token({ grant_type: "refresh_token", refresh_token: rt, client_id: "client 1" })).status).toBe(400);
  });

  it("leaves a refresh token it never passed on to cognito-local to judge", async () => {
    const res = await token({ grant_type: "refresh_token", refresh_token: "issued-elsewhere", client_id: "clientB" });
    expect(res.status).toBe(200);
    expect(received.at(-1)?.get("refresh_token")).toBe("issued-elsewhere");
  });
});

describe("basicClientId", () => {
  const basic = (s: string) => `Basic ${Buffer.from(s).toString("base64")}`;
  it.each<[string | undefined, string | null]>([
    [basic("abc:secret"), "abc"],
    [basic("a%2Bb:se:cret"), "a+b"],
    [basic("a+b:secret"), "a b"],
    [basic("no-colon"), null],
    [basic("%E0%A4%A:x"), null],
    ["Bearer abc", null],
    ["Basic !!!", null],
    [undefined, null],
  ])("%s → %s", (header, id) => {
    expect(basicClientId(header)).toBe(id);
  });
});
