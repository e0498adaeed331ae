import { describe, expect, it } from "vitest";
import { keptSecrets } from "../../../scripts/deploy";
import { resolveConfig } from "../../../shared/config/resolve";

const A = "a".repeat(43);
const B = "b".repeat(43);
const C = "c".repeat(43);

describe("keptSecrets: what a deploy keeps between deploys", () => {
  it.each([
    ["the config's own secrets win", { nonceSigningSecret: A, session: { signingSecret: A } }, { nonceSigningSecret: B, session: { signingSecret: B } }, A, A],
    ["the previous deploy's are kept", {}, { nonceSigningSecret: B, session: { signingSecret: C } }, B, C],
    ["each is kept on its own", { session: { signingSecret: A } }, { nonceSigningSecret: B }, B, A],
  ])("%s", (_, raw, previous, nonce, session) => {
    expect(keptSecrets(raw, previous)).toEqual({ nonceSigningSecret: nonce, session: { signingSecret: session } });
  });

  it("generates new ones (32 random bytes, base64url) on a first deploy, different each time", () => {
    const a = keptSecrets({}, {});
    const b = keptSecrets({}, {});
    expect(a.nonceSigningSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.session.signingSecret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a.session.signingSecret).not.toBe(b.session.signingSecret);
    expect(a.session.signingSecret).not.toBe(a.nonceSigningSecret);
  });

  it("keeps the rest of the session settings, and the result is a valid config", () => {
    const kept = keptSecrets({ session: { maxAge: 3600 } }, { session: { signingSecret: C, maxAge: 60 } });
    expect(kept.session).toEqual({ maxAge: 3600, signingSecret: C });
    const r = resolveConfig({ region: "eu-west-1", userPoolId: "eu-west-1_AbC123", clientId: "abc123", domain: "auth.example.com", hotPath: "cloudfront-function", ...kept });
    expect(r.ok && r.config.session).toEqual({ maxAge: 3600, signingSecret: C });
  });
});
