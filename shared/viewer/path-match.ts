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
 * Globs sorted by how they are matched. No regular expression: a backtracking regex for a glob with several stars
 * (such as assets/STAR/STAR/STAR.js) takes time that grows with a power of the path's length, so a crafted path of a
 * few KB could stall a viewer request for seconds. Exact globs are a list lookup, `prefix*` a prefix test, and the
 * rest go through `globMatch`, whose time grows linearly with the path. Plain data, so the CloudFront Function's
 * build can sort its globs ahead of time (shared/function/config.ts). A list is there only when it holds a glob:
 * the function bakes every set, and an empty list would be bytes of its 10 KB for nothing.
 */
export interface GlobSet {
  /** Globs without `*` or `?`. */
  exact?: string[];
  /** `prefix*` globs (one `*`, at the end, no `?`), without the `*`. */
  prefixes?: string[];
  /** Every other glob. */
  general?: string[];
}

export function globSet(globs: readonly string[]): GlobSet {
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
  const set: GlobSet = {};
  if (exact.length) set.exact = exact;
  if (prefixes.length) set.prefixes = prefixes;
  if (general.length) set.general = general;
  return set;
}

// The CloudFront Function's build sets this to false when none of its globs is general, so the minifier leaves
// `globMatch` out (shared/function/config.ts works it out from the very sets it bakes). Elsewhere: undefined.
declare const __GENERAL_GLOBS__: boolean | undefined;

/** A list a set leaves out (it has no glob of that kind). */
const NONE: string[] = [];

/** True when the path matches a glob of the set. */
export function inGlobSet(set: GlobSet, path: string): boolean {
  return (
    // General globs first: where the build leaves them out, `false ||` folds away with nothing left behind.
    ((typeof __GENERAL_GLOBS__ === "undefined" || __GENERAL_GLOBS__) && (set.general || NONE).some((g) => globMatch(g, path))) ||
    (set.exact || NONE).indexOf(path) !== -1 ||
    (set.prefixes || NONE).some((p) => path.indexOf(p) === 0)
  );
}

/** Compiles globs once (at load) into one predicate (see `GlobSet`). */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  const set = globSet(globs);
  return (path) => inGlobSet(set, path);
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
  // Nothing that could need resolving: no "/.", "//" or backslash.
  if (!/\/\.|\/\/|\\/.test(decoded)) return decoded;
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
  // A path ending in "/", "/." or "/.." names a directory: keep its trailing slash.
  const trailing = decoded.length > 1 && /^\.{0,2}$/.test(segments[segments.length - 1]!);
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

/** True when the path matches the set in either form (apiPaths; rules.ts `ruleApplies`, which also fails closed). */
export function inEitherForm(set: GlobSet, f: PathForms): boolean {
  return inGlobSet(set, f.raw) || (f.normalized !== undefined && inGlobSet(set, f.normalized));
}
