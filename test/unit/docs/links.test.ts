/**
 * The docs hold together: every relative link and `#anchor` in README.md, CONTRIBUTING.md and docs/*.md resolves
 * (GitHub's heading slugs), docs/architecture.md names every folder of the code, and the README stays a front door.
 * docs/pending/ (fragments waiting to be merged into the guides) is not checked, nor docs/configuration.template.md,
 * whose text is checked where it is read: in the docs/configuration.md generated from it.
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { anchorsOf, checkLinks, linksOf, slug, unnamedFolders } from "./doc-links";
import type { DocFiles } from "./doc-links";
import { cases } from "../../helpers/cases";

const root = resolve(__dirname, "../../..");
const disk: DocFiles = {
  read: (p) => (existsSync(join(root, p)) && statSync(join(root, p)).isFile() ? readFileSync(join(root, p), "utf8") : undefined),
  exists: (p) => existsSync(join(root, p)),
};
const DOCS = ["README.md", "CONTRIBUTING.md", ...readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md") && !f.endsWith(".template.md")).map((f) => `docs/${f}`)];

/** Folders of the code: each folder inside these, and these themselves. */
const PARENTS = ["handlers", "shared", "scripts", "local", "test"];
const TOP = ["cdk", "deploy", "bench", "examples", "site"];
const subfolders = (p: string) => readdirSync(join(root, p), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${p}/${d.name}`);
const CODE_FOLDERS = [...PARENTS.flatMap(subfolders), ...TOP];

/** A file system of literal files, for the seeded breaks. */
const fixture = (files: Record<string, string>): DocFiles => ({
  read: (p) => files[p],
  exists: (p) => p in files || Object.keys(files).some((f) => f.startsWith(`${p}/`)),
});

describe("GitHub heading slugs", () => {
  cases("%s → #%s", slug, [
    ["Two hot paths: Lambda@Edge, or a CloudFront Function", "two-hot-paths-lambdaedge-or-a-cloudfront-function"],
    ["API and background requests: 401, not a redirect", "api-and-background-requests-401-not-a-redirect"],
    ["Logs: `npm run logs`", "logs-npm-run-logs"],
    ["`triggers.preTokenGeneration`", "triggerspretokengeneration"],
    ["The session cookie (`hotPath: \"cloudfront-function\"`)", "the-session-cookie-hotpath-cloudfront-function"],
    ["1. Install and configure", "1-install-and-configure"],
    ["Deploy to AWS", "deploy-to-aws"],
  ]);

  it("numbers repeated headings, ignores headings in code blocks and takes <a id> anchors", () => {
    const text = "# A\n## Notes\n```sh\n# not a heading\n```\n## Notes\n- <a id=\"old-name\"></a>[x](y.md)\n";
    expect([...anchorsOf(text)].sort()).toEqual(["a", "notes", "notes-1", "old-name"]);
  });
});

describe("the link checker reports a seeded break", () => {
  const files = fixture({
    "README.md": [
      "# Title",
      "## Deploy to AWS",
      "[ok](docs/guide.md#a-section) [ok too](#deploy-to-aws) [image](docs/pic.png) [web](https://example.com/#x)",
      "[broken file](docs/missing.md) [broken anchor](docs/guide.md#no-such-section) [broken here](#nope)",
      "`[in code](docs/also-missing.md)`",
      "```",
      "[in a block](docs/also-missing.md)",
      "```",
    ].join("\n"),
    "docs/guide.md": "# Guide\n## A section\n[back](../README.md#title) [away](../../outside.md)\n",
    "docs/pic.png": "",
  });

  it("finds each broken link and nothing else", () => {
    expect([...checkLinks("README.md", files), ...checkLinks("docs/guide.md", files)]).toEqual([
      "README.md: docs/missing.md: no such file docs/missing.md",
      "README.md: docs/guide.md#no-such-section: no heading or anchor #no-such-section in docs/guide.md",
      "README.md: #nope: no heading or anchor #nope in README.md",
      "docs/guide.md: ../../outside.md: points outside the repository",
    ]);
  });

  it("reads link targets outside code only", () => {
    expect(linksOf("[a](x.md) `[b](y.md)` ![c](z.png \"title\")\n```\n[d](w.md)\n```\n")).toEqual(["x.md", "z.png"]);
  });

  it("accepts a file another command writes only while it is absent, and never an anchor into it", () => {
    const f = fixture({ "README.md": "[perf](docs/performance.md) [perf figures](docs/performance.md#figures)" });
    expect(checkLinks("README.md", f)).toEqual(["README.md: docs/performance.md#figures: no such file docs/performance.md"]);
  });
});

describe("the docs", () => {
  it("check README.md, CONTRIBUTING.md and every guide, but not docs/pending/ nor the template", () => {
    expect(DOCS).toEqual(expect.arrayContaining(["README.md", "CONTRIBUTING.md", "docs/architecture.md", "docs/configuration.md", "docs/local.md"]));
    expect(DOCS.some((d) => d.startsWith("docs/pending/") || d.endsWith(".template.md"))).toBe(false);
  });

  it.each(DOCS)("%s: every relative link and #anchor resolves", (file) => {
    expect(checkLinks(file, disk)).toEqual([]);
  });

  it("README.md is a front door: at most 250 lines, opening with the two commands", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    expect(readme.split("\n").length).toBeLessThanOrEqual(250);
    expect(readme.split("\n").slice(2, 6)).toEqual([
      "```bash",
      "npm ci && npm start    # 1. install, then run it locally: http://localhost:3000 (demo@example.com / Demo-Passw0rd!)",
      "npm test               # 2. after npm ci: the tests (type-check, unit, integration, end-to-end in headless Chromium)",
      "```",
    ]);
  });
});

describe("docs/architecture.md names every folder of the code", () => {
  it("knows the folders to look for", () => {
    expect(CODE_FOLDERS).toEqual(expect.arrayContaining(["handlers/edge", "handlers/function", "shared/viewer", "shared/function", "scripts/cloudfront-function-runtime", "test/e2e", "cdk", "site"]));
  });

  it("names each of them", () => {
    expect(unnamedFolders(readFileSync(join(root, "docs/architecture.md"), "utf8"), CODE_FOLDERS)).toEqual([]);
  });

  it("reports a folder it does not name (seeded break)", () => {
    const text = "| `handlers/edge/` | … |\n| `shared/edge/tokens/` | … |\n`cdk/` and `examples/`, not `examples/cdk/` alone";
    expect(unnamedFolders(text, ["handlers/edge", "handlers/function", "shared/edge", "cdk", "examples"])).toEqual(["handlers/function", "shared/edge"]);
  });
});
