/**
 * Answers as markdown, through react-markdown (CommonMark: nested lists, a list's first number, code, emphasis)
 * with rehype-sanitize behind it. Our rules come first, as rehype steps:
 * - HTML in the text is shown as the text it is, never as elements: an answer quotes knowledge an editor wrote,
 *   and an entry is data (a `<script>` in it reads as "<script>").
 * - Only http(s) links to the workspace's listed hosts (`profile.link_hosts`) are links. Any other link is shown
 *   as plain text with its address, so the reader can judge where it points but has nothing to click.
 * - No image is ever loaded (an image's address can carry what a poisoned entry asks a model to leak): it is shown
 *   as its markdown.
 * A line break inside a paragraph is kept (remark-breaks): answers are written line by line.
 */
import type { ReactNode } from "react";
import ReactMarkdown, { type Components } from "react-markdown";
import rehypeSanitize, { defaultSchema } from "rehype-sanitize";
import remarkBreaks from "remark-breaks";

/** The link's address when it is http(s) to one of the listed hosts (exactly), else null. */
export function allowedHref(href: string, hosts: readonly string[]): string | null {
  if (!/^https?:\/\//i.test(href)) return null;
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  const host = url.hostname.toLowerCase().replace(/\.$/, "");
  if (url.username || url.password || !hosts.some((h) => h.toLowerCase() === host)) return null;
  return href;
}

// The part of a hast tree these steps read (hast's own types are not a dependency of ours).
type HastNode = {
  type: string;
  tagName?: string;
  value?: string;
  properties?: Record<string, unknown>;
  children?: HastNode[];
};

function textOf(node: HastNode): string {
  return node.type === "text" ? (node.value ?? "") : (node.children ?? []).map(textOf).join("");
}

/** Raw HTML (blocks and inline tags) becomes text nodes with the same characters. */
function rehypeHtmlAsText() {
  return (tree: HastNode) => {
    const walk = (node: HastNode) => {
      for (const child of node.children ?? []) {
        if (child.type === "raw") child.type = "text";
        walk(child);
      }
    };
    walk(tree);
  };
}

/** A link that is not allowed becomes text: "label (address)" for http(s), the markdown as written otherwise; an
 * image becomes its markdown. */
function rehypeAllowedLinks(options: { hosts: readonly string[] }) {
  return (tree: HastNode) => {
    const walk = (node: HastNode) => {
      node.children = (node.children ?? []).map((child) => {
        if (child.type === "element" && child.tagName === "img") {
          return { type: "text", value: `![${String(child.properties?.alt ?? "")}](${String(child.properties?.src ?? "")})` };
        }
        if (child.type !== "element" || child.tagName !== "a") {
          walk(child);
          return child;
        }
        const href = String(child.properties?.href ?? "");
        if (allowedHref(href, options.hosts)) {
          walk(child); // an image inside an allowed link is still an image
          return child;
        }
        const label = textOf(child);
        const value = !/^https?:\/\//i.test(href) ? `[${label}](${href})` : label === href ? href : `${label} (${href})`;
        return { type: "text", value };
      });
    };
    walk(tree);
  };
}

const schema = {
  ...defaultSchema,
  attributes: { ...defaultSchema.attributes, ol: [...(defaultSchema.attributes?.ol ?? []), "start"] },
};

const components: Components = {
  // Answers sit inside a chat bubble: their headings are small ones.
  h1: ({ children }) => <h3>{children}</h3>,
  h2: ({ children }) => <h4>{children}</h4>,
  h3: ({ children }) => <h5>{children}</h5>,
  h4: ({ children }) => <h5>{children}</h5>,
  h5: ({ children }) => <h5>{children}</h5>,
  h6: ({ children }) => <h5>{children}</h5>,
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer nofollow">
      {children}
    </a>
  ),
};

export function Markdown({ text, linkHosts = [] }: { text: string; linkHosts?: readonly string[] }): ReactNode {
  return (
    <div className="md">
      <ReactMarkdown
        remarkPlugins={[remarkBreaks]}
        rehypePlugins={[rehypeHtmlAsText, [rehypeAllowedLinks, { hosts: linkHosts }], [rehypeSanitize, schema]]}
        components={components}
      >
        {text}
      </ReactMarkdown>
    </div>
  );
}
