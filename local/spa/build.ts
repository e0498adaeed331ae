/**
 * Builds the SPA-mode demo page into a folder the local origin serves (at `/spa/`, and at `/public/spa/` to show
 * the signed-out state): `index.html` with the pool's ids written in, and `app.js`, local/spa/app.ts bundled
 * with Amplify JS by esbuild.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import type { SpaConfig } from "./app";

/** JSON safe to put inside a `<script>` element (no `</script>`, no `<!--`). */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, "\\u003c").replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** The page: the config for app.ts, a place for its result, links to try. */
export function spaHtml(config: SpaConfig): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SPA mode: Amplify JS reads the session</title>
<link rel="stylesheet" href="/public/style.css">
<script type="application/json" id="spa-config">${scriptJson(config)}</script>
<script type="module" src="app.js"></script>
</head>
<body>
<main>
<h1>SPA mode</h1>
<p>This page uses Amplify JS v6 with its <code>CookieStorage</code>. <code>getCurrentUser()</code> and
<code>fetchAuthSession()</code> read the session the edge functions wrote, with no network call.
Signed in as: <strong id="amplify-user">…</strong></p>
<pre id="amplify-result" data-state="pending">…</pre>
<p><a href="/spa/">/spa/</a> (protected) · <a href="/public/spa/">/public/spa/</a> (public, same script) ·
<a href="/signout">Sign out</a> · <a href="/">Home</a></p>
</main>
</body>
</html>
`;
}

/** Writes `index.html` and the bundled `app.js` into `dir`. Takes a few hundred milliseconds. */
export async function buildSpa(dir: string, config: SpaConfig): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(__dirname, "app.ts")],
    outfile: join(dir, "app.js"),
    bundle: true,
    platform: "browser",
    format: "esm",
    target: "es2020",
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  writeFileSync(join(dir, "index.html"), spaHtml(config));
}
