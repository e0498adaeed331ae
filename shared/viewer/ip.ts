/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * IP addresses and CIDR ranges for `ipRanges` selectors. Every address becomes eight 16-bit groups: an IPv4
 * address is its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`, RFC 4291 section 2.5.5.2) and an IPv4 range a range of
 * those (prefix + 96), so `10.0.0.0/8` matches `10.1.2.3` and `::ffff:10.1.2.3` alike, with one comparison.
 */

/** A range as plain data the build bakes: `[prefix (0-128), g0, ...]`, the groups the prefix reaches into only. */
export type IpRange = number[];

/** A dotted IPv4 address: four decimal octets of 0-255, without leading zeros (they read as octal elsewhere). */
const V4 = /^((25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const HEX = /^[\da-f]{1,4}$/i;

/**
 * An IPv4 or IPv6 address as eight 16-bit groups (IPv4 as `::ffff:a.b.c.d`), or undefined when it is not one. A
 * dotted IPv4 part (no leading zeros: they read as octal elsewhere) may only end the address; `::` stands for one
 * or more zero groups, and without it there are exactly eight. A bare IPv4 address is read as its IPv4-mapped form
 * (one parser, not two: this is in the CloudFront Function's 10 KB).
 */
export function parseIp(s: string | undefined): number[] | undefined {
  if (typeof s !== "string" || s.length > 64) return undefined;
  if (s.indexOf(":") === -1) {
    if (s.indexOf(".") === -1) return undefined;
    s = `::ffff:${s}`;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const sides: number[][] = [];
  for (let h = 0; h < halves.length; h++) {
    const groups: number[] = [];
    const parts = halves[h] === "" ? [] : halves[h]!.split(":");
    for (let i = 0; i < parts.length; i++) {
      const p = parts[i]!;
      if (h === halves.length - 1 && i === parts.length - 1 && V4.test(p)) {
        const o = p.split(".");
        groups.push(+o[0]! * 256 + +o[1]!, +o[2]! * 256 + +o[3]!);
      } else if (HEX.test(p)) groups.push(parseInt(p, 16));
      else return undefined;
    }
    sides.push(groups);
  }
  const out = sides[0]!;
  const tail = sides[1] || [];
  let missing = 8 - out.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  while (missing-- > 0) out.push(0);
  return out.concat(tail);
}

/**
 * A CIDR range (`203.0.113.0/24`, `2001:db8::/32`; a bare address is one host) as baked data, or a sentence
 * saying what is wrong with it (build time).
 */
export function parseCidr(s: string): IpRange | string {
  const slash = s.indexOf("/");
  const addr = slash === -1 ? s : s.slice(0, slash);
  const a = parseIp(addr);
  if (!a) return `"${s}" is not an IPv4 or IPv6 address or CIDR range`;
  const v4 = addr.indexOf(":") === -1;
  const max = v4 ? 32 : 128;
  if (slash === -1) return [128].concat(a);
  const p = s.slice(slash + 1);
  if (!/^\d{1,3}$/.test(p) || Number(p) > max) return `"${s}": the prefix length must be 0-${max} for an ${v4 ? "IPv4" : "IPv6"} range`;
  // `::ffff:10.0.0.0/8` is `::/8` (every IPv4 address and far more), not 10/8: refused, with the IPv4 form.
  if (!v4 && Number(p) < 96 && a[5] === 0xffff && a[0] === 0 && a[1] === 0 && a[2] === 0 && a[3] === 0 && a[4] === 0)
    return `"${s}": an IPv4-mapped IPv6 range needs a prefix of 96 or more (its first 96 bits are ::ffff:); for IPv4 addresses write the IPv4 form${Number(p) <= 32 ? `, "${a[6]! >> 8}.${a[6]! & 255}.${a[7]! >> 8}.${a[7]! & 255}/${p}"` : ""}`;
  const bits = Number(p) + (v4 ? 96 : 0);
  // The groups past the prefix are never compared (`inRange`): not baked.
  return [bits].concat(a.slice(0, Math.ceil(bits / 16)));
}

/** True when the address (eight groups) is in the range. */
export function inRange(a: number[], r: IpRange): boolean {
  for (let i = 0; i < 8; i++) {
    const bits = r[0]! - 16 * i;
    if (bits <= 0) return true;
    const mask = bits >= 16 ? 0xffff : (0xffff << (16 - bits)) & 0xffff;
    if (((a[i]! ^ r[i + 1]!) & mask) !== 0) return false;
  }
  return true;
}
