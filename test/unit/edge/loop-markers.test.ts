/**
 * Loop markers hold the `exp` of the id token just handed out: they stop a loop only while that token should
 * still be valid, so a session that expires legitimately soon after (short token validity) refreshes again.
 */
import { describe, expect, it } from "vitest";
import { markerActive } from "../../../shared/edge/cookies";

const NOW = 1_800_000_000;

describe("markerActive", () => {
  it.each([
    ["absent", undefined, false],
    ["the token it names is still valid", String(NOW + 60), true],
    ["the token it names has expired since", String(NOW - 1), false],
    ["expires exactly now", String(NOW), false],
    ["unreadable (fails towards stopping the loop)", "garbage", true],
  ])("%s → %s", (_, value, expected) => {
    const cookies = new Map<string, string>(value === undefined ? [] : [["edgeauth-signedin", value]]);
    expect(markerActive(cookies, "edgeauth-signedin", NOW)).toBe(expected);
  });
});
