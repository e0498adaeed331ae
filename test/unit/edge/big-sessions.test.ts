/** Sessions bigger than one cookie: chunked on the way out, reassembled on the way in, or refused clearly. */
import { describe, expect, it } from "vitest";
import { checkAuth } from "../../../shared/edge/check-auth";
import { asRespond, callback, hostedUiCallback, startSignIn } from "../../helpers/flow";
import { CookieJar, cognitoStandIn, edgeRequest, makeContext, useFixedClock } from "../../helpers/harness";
import { makeIssuer, testConfig } from "../../helpers/tokens";

const iss = makeIssuer();
const config = testConfig(iss, { rules: [{ path: "/admin/*", groups: ["g-0099"] }] });
useFixedClock();

describe("big tokens (many groups) round-trip through chunked cookies", () => {
  it.each([100, 250])("%i groups: callback sets chunks, check-auth reassembles and authorizes", async (n) => {
    const stand = cognitoStandIn(iss, config);
    const jar = new CookieJar();
    const groups = Array.from({ length: n }, (_, i) => `g-${String(i).padStart(4, "0")}`);
    const s = await startSignIn(config, stand, jar, { uri: "/admin/x" });
    const r = asRespond((await callback(config, stand, jar, hostedUiCallback(stand, s, { username: "u@example.com", groups }))).outcome);
    expect(r.status).toBe(302);
    for (const c of r.cookies) expect(Buffer.byteLength(c)).toBeLessThanOrEqual(4096);
    jar.apply(r.cookies);
    const o = await checkAuth(edgeRequest({ uri: "/admin/x", cookies: [jar.header()] }), makeContext(config, stand.http).ctx);
    expect(o.reason).toBe("signed-in");
  });

  it("too many groups to fit → a clear 400 page, not a broken session", async () => {
    const stand = cognitoStandIn(iss, config);
    const jar = new CookieJar();
    const groups = Array.from({ length: 2000 }, (_, i) => `group-${i}`);
    const s = await startSignIn(config, stand, jar, { uri: "/" });
    const r = asRespond((await callback(config, stand, jar, hostedUiCallback(stand, s, { username: "u@example.com", groups }))).outcome);
    expect(r.status).toBe(400);
    expect(r.reason).toBe("session-too-large");
    expect(r.headers.location).toBeUndefined();
  });
});
