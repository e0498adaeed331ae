/**
 * The origin behind the local CloudFront: the sample site folder, served like an S3 bucket (exact keys, content
 * types, bytes untouched), plus one tiny "demo origin" JSON endpoint that shows what an origin receives from
 * check-auth with `forwardIdentity: true`.
 */
import { readFile, stat } from "node:fs/promises";
import { extname, join, resolve, sep } from "node:path";

/** What the origin answers; headers are lower-case names. */
export interface OriginResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** The request as CloudFront sends it to the origin (after viewer-request functions). */
export interface OriginRequest {
  method: string;
  /** Percent-encoded path, as CloudFront forwards it. */
  uri: string;
  querystring: string;
  /** Lower-case header name to value. */
  headers: Record<string, string>;
}

/** The demo origin's JSON endpoint (a path with an extension, so check-auth does not rewrite it to index.html). */
export const WHOAMI_PATH = "/api/whoami.json";

/**
 * What the local stack runs in front of this origin, which the demo origin reports (`localStack` in its JSON) so
 * the sample site can say what checked the request. Only the local stack knows it: deployed, the site is on S3 and
 * there is no demo origin to ask.
 */
export interface LocalStackAbout {
  /** The edge config's `hotPath`: check-auth (Lambda@Edge) or the CloudFront Function. */
  hotPath: "lambda-edge" | "cloudfront-function";
  /** Who signs users in: cognito-local behind the Hosted UI front, or the local OpenID Connect provider. */
  provider: "cognito" | "oidc";
  /** The edge config's `mode`. */
  mode: "static" | "spa";
}

const CONTENT_TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".txt": "text/plain; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".pdf": "application/pdf",
  ".xml": "application/xml",
  ".webmanifest": "application/manifest+json",
};

/** Content type by file extension, as `aws s3 sync` would set it; unknown types are binary. */
export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? "application/octet-stream";
}

function page(status: number, title: string, text: string): OriginResponse {
  const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><link rel="stylesheet" href="/public/style.css"></head><body><main><h1>${esc(title)}</h1><p>${esc(text)}</p><p><a href="/">Home</a></p></main></body></html>`;
  return { status, headers: { "content-type": "text/html; charset=utf-8" }, body: Buffer.from(body) };
}

/**
 * Serves `siteDir` like S3 behind CloudFront: the key is the decoded path; `/` and folder paths (ending in `/`)
 * get their `index.html` (CloudFront's default root object, and what check-auth's index rewrite asks for).
 * `mounts` serves other folders under a path prefix (`{ "/spa/": dir }`: `/spa/app.js` is `dir/app.js`); files
 * are read at request time, so a mounted folder may be filled after the origin was created.
 */
export function createOrigin(siteDir: string, mounts: Record<string, string> = {}, about?: LocalStackAbout): (req: OriginRequest) => Promise<OriginResponse> {
  const site = resolve(siteDir);
  for (const prefix of Object.keys(mounts)) {
    if (!prefix.startsWith("/") || !prefix.endsWith("/")) throw new Error(`mount ${prefix} must start and end with /`);
  }
  return async (req) => {
    if (req.uri === WHOAMI_PATH) return whoami(req, about);
    if (req.method !== "GET" && req.method !== "HEAD") return page(405, "Method not allowed", `${req.method} is not allowed here.`);
    let key: string;
    try {
      key = decodeURIComponent(req.uri);
    } catch {
      return page(400, "Bad request", "The path is not valid.");
    }
    if (key.endsWith("/")) key += "index.html";
    let root = site;
    for (const [prefix, dir] of Object.entries(mounts)) {
      if (key.startsWith(prefix)) {
        root = resolve(dir);
        key = key.slice(prefix.length - 1);
        break;
      }
    }
    const file = resolve(join(root, key));
    if (!file.startsWith(root + sep)) return page(403, "Forbidden", "Outside the site.");
    try {
      if (!(await stat(file)).isFile()) throw new Error("not a file");
      const body = await readFile(file);
      return {
        status: 200,
        headers: { "content-type": contentType(file), "cache-control": "no-cache" },
        body: req.method === "HEAD" ? Buffer.alloc(0) : body,
      };
    } catch {
      return page(404, "Not found", `There is no page at ${key} in the sample site.`);
    }
  };
}

/**
 * The demo origin: decodes the id token check-auth forwarded (already verified at the edge; an origin that wants
 * to be sure verifies it again with aws-jwt-verify) and returns its claims and the identity headers it received.
 * The page learns who is signed in from this endpoint, not from `document.cookie`: in the default (static) mode the
 * token cookies are all HttpOnly (in SPA mode only the refresh token is). With `about`, it also says what the
 * local stack runs (`localStack`), so the page can name the check that let the request through.
 */
function whoami(req: OriginRequest, about?: LocalStackAbout): OriginResponse {
  const identity: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (name.startsWith("x-auth-") && name !== "x-auth-id-token") identity[name] = value;
  }
  let claims: Record<string, unknown> | null = null;
  const token = req.headers["x-auth-id-token"];
  if (token) {
    try {
      claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    } catch {
      claims = null;
    }
  }
  const body = {
    signedIn: claims !== null,
    identityHeaders: identity,
    idTokenReceived: token ? `${token.length} characters (x-auth-id-token)` : null,
    claims,
    ...(about ? { localStack: about } : {}),
  };
  return {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "private, no-store" },
    body: Buffer.from(JSON.stringify(body, null, 2)),
  };
}
