/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * IP addresses and CIDR ranges for `ipRanges` selectors. Every address becomes eight 16-bit groups: an IPv4
 * address is its IPv4-mapped IPv6 form (`::ffff:a.b.c.d`, RFC 4291 section 2.5.5.2) and an IPv4 range a range of
 * those (prefix + 96), so `10.0.0.0/8` matches `10.1.2.3` and `::ffff:10.1.2.3` alike, with one comparison.
 */

/** A range as plain data the build bakes: `[prefix (0-128), g0, ..., g7]`. */
export type IpRange = number[];

const V4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const HEX = /^[0-9a-fA-F]{1,4}$/;

/** The two 16-bit groups of a dotted IPv4 address, or undefined (no leading zeros: they read as octal elsewhere). */
function v4Groups(s: string): number[] | undefined {
  const m = V4.exec(s);
  if (!m) return undefined;
  const b: number[] = [];
  for (let i = 1; i < 5; i++) {
    const part = m[i]!;
    const n = Number(part);
    if (n > 255 || (part.length > 1 && part.charAt(0) === "0")) return undefined;
    b.push(n);
  }
  return [b[0]! * 256 + b[1]!, b[2]! * 256 + b[3]!];
}

/** IPv6 groups of one side of `::` (a trailing dotted IPv4 counts as two), or undefined. */
function v6Groups(s: string, last: boolean): number[] | undefined {
  const out: number[] = [];
  if (s === "") return out;
  const parts = s.split(":");
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (last && i === parts.length - 1 && p.indexOf(".") !== -1) {
      const v4 = v4Groups(p);
      if (!v4) return undefined;
      out.push(v4[0]!, v4[1]!);
    } else if (HEX.test(p)) out.push(parseInt(p, 16));
    else return undefined;
  }
  return out;
}

/** An IPv4 or IPv6 address as eight 16-bit groups (IPv4 as `::ffff:a.b.c.d`), or undefined when it is not one. */
export function parseIp(s: string | undefined): number[] | undefined {
  if (typeof s !== "string" || s.length > 64) return undefined;
  if (s.indexOf(":") === -1) {
    const v4 = v4Groups(s);
    return v4 ? [0, 0, 0, 0, 0, 0xffff, v4[0]!, v4[1]!] : undefined;
  }
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const head = v6Groups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? v6Groups(halves[1]!, true) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  // Without "::" exactly eight groups; "::" stands for one or more zero groups.
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const out = head.slice();
  for (let i = 0; i < missing && halves.length === 2; i++) out.push(0);
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
  return [Number(p) + (v4 ? 96 : 0)].concat(a);
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
