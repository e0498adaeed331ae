import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  SIGNIN_TTL_SECONDS,
  newSignIn,
  pkceChallenge,
  sealSignIn,
  signInSite,
  unsealSignIn,
} from "../../../shared/edge/sign-in-state";
import { deterministicRandom, NOW_S } from "../../helpers/harness";

const SECRET = "s".repeat(40);
const fresh = (returnPath = "/docs/ünï?q=1&r=%2F") => newSignIn(returnPath, NOW_S, deterministicRandom());

describe("newSignIn", () => {
  it("state, nonce and a 43-character base64url verifier; expiry after the TTL", () => {
    const s = fresh();
    expect(s.state).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(s.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(s.verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(s.expires).toBe(NOW_S + SIGNIN_TTL_SECONDS);
    expect(new Set([s.state, s.nonce, s.verifier]).size).toBe(3);
  });

  it("two sign-ins differ", () => {
    const r = deterministicRandom();
    expect(newSignIn("/", NOW_S, r).state).not.toBe(newSignIn("/", NOW_S, r).state);
  });
});

describe("pkceChallenge (RFC 7636 S256)", () => {
  it("matches RFC 7636 Appendix B", () => {
    expect(pkceChallenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).toBe("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  });

  it("is base64url(sha256(ascii verifier)) without padding", () => {
    const v = fresh().verifier;
    expect(pkceChallenge(v)).toBe(createHash("sha256").update(v, "ascii").digest("base64url"));
    expect(pkceChallenge(v)).not.toMatch(/[=+/]/);
  });
});

const SITE = signInSite("client1", "https://www.example.com");

describe("seal / unseal", () => {
  it("round-trips", () => {
    const s = fresh();
    expect(unsealSignIn(s.state, sealSignIn(s, SECRET, SITE), SECRET, NOW_S, SITE)).toEqual({ ok: true, signIn: s });
  });

  const s = fresh();
  const sealed = sealSignIn(s, SECRET, SITE);
  const [payload, macPart] = sealed.split(".") as [string, string];
  const other = newSignIn("/other", NOW_S, deterministicRandom("other"));
  const forge = (o: Record<string, unknown>) => Buffer.from(JSON.stringify(o)).toString("base64url");

  it.each<[string, "malformed" | "bad-mac" | "expired", string, string, number, string]>([
    ["payload changed (return path)", "bad-mac", s.state, `${forge({ n: s.nonce, v: s.verifier, r: "//evil.com", e: s.expires })}.${macPart}`, NOW_S, SECRET],
    ["payload changed (expiry pushed)", "bad-mac", s.state, `${forge({ n: s.nonce, v: s.verifier, r: s.returnPath, e: s.expires + 1e6 })}.${macPart}`, NOW_S, SECRET],
    ["MAC changed", "bad-mac", s.state, `${payload}.${Buffer.alloc(32, 1).toString("base64url")}`, NOW_S, SECRET],
    ["MAC truncated", "bad-mac", s.state, `${payload}.${macPart.slice(0, 10)}`, NOW_S, SECRET],
    ["MAC empty", "bad-mac", s.state, `${payload}.`, NOW_S, SECRET],
    ["another state's cookie", "bad-mac", other.state, sealed, NOW_S, SECRET],
    ["another secret", "bad-mac", s.state, sealed, NOW_S, "t".repeat(40)],
    ["expired (exactly at expiry)", "expired", s.state, sealed, s.expires, SECRET],
    ["expired (later)", "expired", s.state, sealed, s.expires + 3600, SECRET],
    ["no dot", "malformed", s.state, payload, NOW_S, SECRET],
    ["starts with a dot", "malformed", s.state, `.${macPart}`, NOW_S, SECRET],
    ["empty", "malformed", s.state, "", NOW_S, SECRET],
    ["huge", "malformed", s.state, `${"a".repeat(5000)}.${macPart}`, NOW_S, SECRET],
    ["state too short", "malformed", "abc", sealed, NOW_S, SECRET],
    ["state with bad characters", "malformed", "abc.def/ghi+jkl=mnop", sealed, NOW_S, SECRET],
  ])("%s → %s", (_, why, state, value, now, secret) => {
    expect(unsealSignIn(state, value, secret, now, SITE)).toEqual({ ok: false, why });
  });

  it.each([
    ["another app client (another site sharing the cookie domain and secret)", signInSite("client2", "https://www.example.com")],
    ["another origin of the same client", signInSite("client1", "https://app.example.com")],
  ])("a sign-in sealed for one site does not open on %s", (_, site) => {
    expect(unsealSignIn(s.state, sealed, SECRET, NOW_S, site)).toEqual({ ok: false, why: "bad-mac" });
  });

  it("a correctly MACed payload that is not the expected JSON is malformed", () => {
    const craft = (json: string) => {
      const p = Buffer.from(json).toString("base64url");
      // The MAC the module computes: HMAC-SHA256 over "<site>\n<state>.<payload>".
      const mac = createHmacB64(SECRET, `${SITE}\n${s.state}.${p}`);
      return `${p}.${mac}`;
    };
    expect(unsealSignIn(s.state, craft("not json"), SECRET, NOW_S, SITE)).toEqual({ ok: false, why: "malformed" });
    expect(unsealSignIn(s.state, craft('{"n":1}'), SECRET, NOW_S, SITE)).toEqual({ ok: false, why: "malformed" });
    for (const json of ["null", "1", '"x"', "[]"]) expect(unsealSignIn(s.state, craft(json), SECRET, NOW_S, SITE)).toEqual({ ok: false, why: "malformed" });
  });
});

function createHmacB64(secret: string, data: string): string {
  return createHmac("sha256", secret).update(data).digest("base64url");
}
