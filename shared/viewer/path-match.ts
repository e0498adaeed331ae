/**
 * Runs in both runtimes (Lambda@Edge and the CloudFront Function): written in the cloudfront-js-2.0 subset.
 *
 * Path globs (`publicPaths`, `rules`, `apiPaths`) with CloudFront path-pattern semantics: `*` matches any run of
 * characters including "/", `?` exactly one; everything else is literal and case-sensitive.
 *
 * Matching is done on the URI as sent and on its normalised form (percent-decoding, dot segments and repeated
 * slashes resolved), so `/public/../admin/x` or `/%61dmin/x` cannot slip past a rule. A path is public only when
 * both forms are public; a rule applies when either form matches.
 */

/**
 * Compiles globs once (at load) into one predicate. No regular expression: a backtracking regex for a glob with
 * several stars (such as assets/STAR/STAR/STAR.js) takes time that grows with a power of the path's length, so a crafted
 * path of a few KB could stall a viewer request for seconds. Exact globs are a set lookup, `prefix*` a
 * `startsWith`, and the rest go through `globMatch`, whose time grows linearly with the path.
 */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const exact: string[] = [];
  const prefixes: string[] = [];
  const general: string[] = [];
  for (let i = 0; i < globs.length; i++) {
    const g = globs[i]!;
    const star = g.indexOf("*");
    if (star === -1 && g.indexOf("?") === -1) exact.push(g);
    else if (star === g.length - 1 && g.indexOf("?") === -1) prefixes.push(g.slice(0, -1));
    else general.push(g);
  }
  if (globs.length === 0) return () => false;
  return (path) => {
    if (exact.indexOf(path) !== -1) return true;
    for (let i = 0; i < prefixes.length; i++) if (path.indexOf(prefixes[i]!) === 0) return true;
    for (let i = 0; i < general.length; i++) if (globMatch(general[i]!, path)) return true;
    return false;
  };
}

/**
 * CloudFront path-pattern matching: `*` any run of characters (slashes too), `?` exactly one, everything else
 * literal. Greedy, remembering only the last `*` to fall back to: at most |glob| × |path| steps, linear in the
 * path for a given glob.
 */
export function globMatch(glob: string, path: string): boolean {
  let g = 0;
  let p = 0;
  let starG = -1;
  let starP = 0;
  while (p < path.length) {
    const c = g < glob.length ? glob.charCodeAt(g) : -1;
    if (c === 42 /* * */) {
      starG = g++;
      starP = p;
    } else if (c === 63 /* ? */ || (c !== -1 && c === path.charCodeAt(p))) {
      g++;
      p++;
    } else if (starG !== -1) {
      g = starG + 1;
      p = ++starP;
    } else return false;
  }
  while (g < glob.length && glob.charCodeAt(g) === 42) g++;
  return g === glob.length;
}

/** Percent-decodes, resolves "." and ".." segments and collapses repeated slashes. Undefined when undecodable. */
export function normalizePath(uri: string): string | undefined {
  let decoded = uri;
  if (uri.includes("%")) {
    try {
      decoded = decodeURIComponent(uri);
    } catch (e) {
      return undefined;
    }
  }
  if (!decoded.includes("/.") && !decoded.includes("//") && !decoded.includes("\\")) return decoded;
  const out: string[] = [];
  const segments = decoded.replace(/\\/g, "/").split("/");
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!;
    // Servers such as Tomcat read "..;x" as ".." (path parameters): judge it the same way.
    const name = seg.split(";", 1)[0];
    if (name === "" || name === ".") continue;
    if (name === "..") out.pop();
    else out.push(seg);
  }
  const last = segments[segments.length - 1];
  const trailing = decoded.length > 1 && (last === "" || last === "." || last === "..");
  return `/${out.join("/")}${trailing && out.length ? "/" : ""}`;
}

/** A URI as sent, and normalised (undefined when it cannot be decoded). */
export interface PathForms {
  raw: string;
  normalized: string | undefined;
}

/** Both forms of a URI to match against. */
export function pathForms(uri: string): PathForms {
  return { raw: uri, normalized: normalizePath(uri) };
}
