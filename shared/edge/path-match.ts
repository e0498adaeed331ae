/**
 * Path globs (`publicPaths`, `rules`, `apiPaths`) with CloudFront path-pattern semantics: `*` matches any run of
 * characters including "/", `?` exactly one; everything else is literal and case-sensitive.
 *
 * Matching is done on the URI as sent and on its normalised form (percent-decoding, dot segments and repeated
 * slashes resolved), so `/public/../admin/x` or `/%61dmin/x` cannot slip past a rule. A path is public only when
 * both forms are public; a rule applies when either form matches.
 */

/** Compiles globs once (at load) into one predicate. */
export function globMatcher(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  const source = globs
    .map((g) => g.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, "[\\s\\S]"))
    .join("|");
  const re = new RegExp(`^(?:${source})$`);
  return (path) => re.test(path);
}

/** Percent-decodes, resolves "." and ".." segments and collapses repeated slashes. Undefined when undecodable. */
export function normalizePath(uri: string): string | undefined {
  let decoded = uri;
  if (uri.includes("%")) {
    try {
      decoded = decodeURIComponent(uri);
    } catch {
      return undefined;
    }
  }
  if (!decoded.includes("/.") && !decoded.includes("//") && !decoded.includes("\\")) return decoded;
  const out: string[] = [];
  const segments = decoded.replace(/\\/g, "/").split("/");
  for (const seg of segments.slice(1)) {
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
