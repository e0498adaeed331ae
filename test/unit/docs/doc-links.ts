/**
 * A checker for the Markdown docs: every relative link resolves to a file, and every `#anchor` to a heading (or an
 * `<a id>` / `<a name>`) of the file it points at, with GitHub's heading slugs. Pure: the file system is handed in.
 */
import { dirname, join, normalize } from "node:path";

/** What the checker reads of the file system. */
export interface DocFiles {
  /** The text of a file (repository-relative path), or undefined when there is none. */
  read(path: string): string | undefined;
  /** Whether a path (file or folder) exists. */
  exists(path: string): boolean;
}

/**
 * Files another command writes and another branch commits: a link to one is accepted while it is absent (an
 * `#anchor` into it is not), and checked like any other once it is there.
 */
export const WRITTEN_BY_ANOTHER_COMMAND: Readonly<Record<string, string>> = { "docs/performance.md": "npm run bench" };

/** The text with fenced code blocks blanked out (lines kept, so reports could name them). */
function withoutCodeBlocks(text: string): string {
  let fence: string | undefined;
  return text
    .split("\n")
    .map((line) => {
      const m = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (m && m[1]![0] === fence[0] && m[1]!.length >= fence.length) fence = undefined;
        return "";
      }
      if (m) {
        fence = m[1];
        return "";
      }
      return line;
    })
    .join("\n");
}

/** GitHub's slug of a heading: markup dropped, lower case, punctuation removed, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1") // links and images: their text
    .replace(/<[^>]+>/g, "") // inline HTML
    .replace(/[`*~]/g, "")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** Every anchor a Markdown file defines: heading slugs (duplicates get -1, -2, ...) and HTML ids and names. */
export function anchorsOf(text: string): Set<string> {
  const body = withoutCodeBlocks(text);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of body.split("\n")) {
    const h = /^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = slug(h[1]!);
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      anchors.add(n === 0 ? base : `${base}-${n}`);
    }
  }
  for (const m of body.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) anchors.add(m[1]!);
  return anchors;
}

/** Every link target of a Markdown file, outside code blocks and code spans. */
export function linksOf(text: string): string[] {
  const body = withoutCodeBlocks(text).replace(/`[^`\n]*`/g, "");
  const out: string[] = [];
  for (const m of body.matchAll(/!?\[(?:[^\]\\]|\\.)*\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)) out.push(m[1]!);
  return out;
}

/** The problems of one file's links (`file` is repository-relative), each naming the file and the link. */
export function checkLinks(file: string, files: DocFiles): string[] {
  const text = files.read(file);
  if (text === undefined) return [`${file}: no such file`];
  const problems: string[] = [];
  for (const link of linksOf(text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link)) continue; // https:, mailto: ...: not ours to check
    const hash = link.indexOf("#");
    const pathPart = decodeURIComponent(hash < 0 ? link : link.slice(0, hash));
    const anchor = hash < 0 ? undefined : decodeURIComponent(link.slice(hash + 1));
    const target = pathPart === "" ? file : normalize(join(dirname(file), pathPart)).replace(/\\/g, "/").replace(/\/$/, "");
    if (target.startsWith("..")) {
      problems.push(`${file}: ${link}: points outside the repository`);
      continue;
    }
    if (!files.exists(target)) {
      if (target in WRITTEN_BY_ANOTHER_COMMAND && anchor === undefined) continue;
      problems.push(`${file}: ${link}: no such file ${target}`);
      continue;
    }
    if (anchor === undefined) continue;
    if (!target.endsWith(".md")) {
      problems.push(`${file}: ${link}: an anchor into a file that is not Markdown`);
      continue;
    }
    if (!anchorsOf(files.read(target) ?? "").has(anchor)) problems.push(`${file}: ${link}: no heading or anchor #${anchor} in ${target}`);
  }
  return problems;
}

/**
 * The folders of the code `folders` names that `text` (docs/architecture.md) does not mention as a whole path,
 * `folder/` (`shared/edge/tokens/` does not name `shared/edge`).
 */
export function unnamedFolders(text: string, folders: readonly string[]): string[] {
  return folders.filter((f) => !new RegExp(`(^|[^\\w/.-])${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/(?![\\w.-])`).test(text));
}
