/**
 * The project's documentation as its readers see it: README.md, then every docs/*.md (by name),
 * and what a relative link in one of them points to.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import { fileURLToPath } from "node:url";
import GithubSlugger from "github-slugger";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface MarkdownFile {
  /** The path from the project's root, e.g. `docs/errors.md`. */
  name: string;
  text: string;
}

/** README.md first (its examples run first), then docs/*.md in name order. */
export function documentation(root = ROOT): MarkdownFile[] {
  const docs = readdirSync(join(root, "docs"))
    .filter((file) => file.endsWith(".md"))
    .sort()
    .map((file) => `docs/${file}`);
  return ["README.md", ...docs].map((name) => ({
    name,
    text: readFileSync(join(root, name), "utf8"),
  }));
}

/** The text with its fenced code blocks blanked (their lines kept, empty). */
function withoutFences(markdown: string): string {
  return markdown.replace(/^([ \t]*)(`{3,}|~{3,})[^\n]*\n[\s\S]*?^\1\2[ \t]*$/gm, (block) =>
    block.replace(/[^\n]/g, ""),
  );
}

/** The text a link may be in: no code blocks, no code spans, no HTML comments. */
function prose(markdown: string): string {
  return withoutFences(markdown)
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/(`+)[^`\n][\s\S]*?\1/g, "");
}

/** The anchors GitHub gives a file's headings: their slugs, with `-1`, `-2` for repeats. */
export function anchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const headings = [...withoutFences(markdown).matchAll(/^#{1,6}[ \t]+(.*?)[ \t#]*$/gm)];
  // The heading's text as rendered: a link's text, a code span's content, no emphasis marks.
  const texts = headings.map(([, heading]) =>
    heading!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/[`*]/g, ""),
  );
  return new Set(texts.map((text) => slugger.slug(text)));
}

/** The targets of a file's inline links and images, outside code. */
export function links(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    ([, target]) => target!,
  );
}

/** Every relative link of `file` that names no existing file, or no heading of the file it names. */
export function deadLinks(file: MarkdownFile, root = ROOT): string[] {
  const dead: string[] = [];
  for (const target of links(file.text)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not this project's
    const [path = "", anchor] = target.split("#", 2);
    const resolved = path
      ? normalize(join(dirname(file.name), decodeURIComponent(path)))
      : file.name;
    const inside = !relative(root, join(root, resolved)).startsWith("..");
    if (!inside || !existsSync(join(root, resolved))) {
      dead.push(`${target}: no file ${resolved}`);
      continue;
    }
    if (anchor === undefined) continue;
    const text = statSync(join(root, resolved)).isFile()
      ? readFileSync(join(root, resolved), "utf8")
      : "";
    if (!resolved.endsWith(".md") || !anchors(text).has(decodeURIComponent(anchor))) {
      dead.push(`${target}: no heading #${anchor} in ${resolved}`);
    }
  }
  return dead;
}
