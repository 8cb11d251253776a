/**
 * A small, safe markdown renderer. It builds React elements directly (never innerHTML), so any
 * HTML in the text is shown as text. Supported: paragraphs, line breaks, headings (#..###),
 * bullet and numbered lists, fenced code, inline code, **bold**, *italic*, and http(s) links to the
 * workspace's listed hosts (`profile.link_hosts`). Answers quote knowledge an editor wrote, so any other
 * link is shown as plain text with its address, never as something to click.
 */
import { Fragment, type ReactNode } from "react";

type Block =
  | { kind: "p"; lines: string[] }
  | { kind: "h"; level: 1 | 2 | 3; text: string }
  | { kind: "ul" | "ol"; items: string[] }
  | { kind: "code"; text: string };

export function parseBlocks(src: string): Block[] {
  const lines = src.replace(/\r\n?/g, "\n").split("\n");
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") {
      i++;
      continue;
    }
    if (line.trimStart().startsWith("```")) {
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i].trimStart().startsWith("```")) body.push(lines[i++]);
      i++; // closing fence (or end of text while still streaming)
      blocks.push({ kind: "code", text: body.join("\n") });
      continue;
    }
    const heading = /^(#{1,3})\s+(.*)$/.exec(line);
    if (heading) {
      blocks.push({ kind: "h", level: heading[1].length as 1 | 2 | 3, text: heading[2] });
      i++;
      continue;
    }
    if (/^\s*[-*•]\s+/.test(line)) {
      const items: string[] = [];
      while (i < lines.length && /^\s*[-*•]\s+/.test(lines[i])) items.push(lines[i++].replace(/^\s*[-*•]\s+/, ""));
      blocks.push({ kind: "ul", items });
      continue;
    }
    if (/^\s*\d+[.)]\s+/.test(line)) {
      const items: string[] = [];
      while (i < lines.length && /^\s*\d+[.)]\s+/.test(lines[i])) items.push(lines[i++].replace(/^\s*\d+[.)]\s+/, ""));
      blocks.push({ kind: "ol", items });
      continue;
    }
    const para: string[] = [];
    while (
      i < lines.length &&
      lines[i].trim() !== "" &&
      !/^(#{1,3})\s+/.test(lines[i]) &&
      !/^\s*([-*•]|\d+[.)])\s+/.test(lines[i]) &&
      !lines[i].trimStart().startsWith("```")
    ) {
      para.push(lines[i++]);
    }
    blocks.push({ kind: "p", lines: para });
  }
  return blocks;
}

const INLINE = /(`[^`]+`)|(\*\*[^*]+\*\*)|(\*[^*\s][^*]*\*)|(\[[^\]]+\]\([^)\s]+\))/g;

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

export function renderInline(text: string, keyPrefix = "i", hosts: readonly string[] = []): ReactNode[] {
  const out: ReactNode[] = [];
  let last = 0;
  let n = 0;
  for (const match of text.matchAll(INLINE)) {
    const token = match[0];
    const start = match.index ?? 0;
    if (start > last) out.push(text.slice(last, start));
    const key = `${keyPrefix}-${n++}`;
    if (token.startsWith("`")) {
      out.push(<code key={key}>{token.slice(1, -1)}</code>);
    } else if (token.startsWith("**")) {
      out.push(<strong key={key}>{renderInline(token.slice(2, -2), key, hosts)}</strong>);
    } else if (token.startsWith("[")) {
      const m = /^\[([^\]]+)\]\(([^)\s]+)\)$/.exec(token);
      const href = m ? allowedHref(m[2], hosts) : null;
      if (href && m) {
        out.push(
          <a key={key} href={href} target="_blank" rel="noopener noreferrer nofollow">
            {m[1]}
          </a>,
        );
      } else if (m && /^https?:\/\//i.test(m[2])) {
        // Not a listed host: the reader sees where it points and can judge it, but there is nothing to click.
        out.push(m[1] === m[2] ? m[2] : `${m[1]} (${m[2]})`);
      } else {
        out.push(token);
      }
    } else {
      out.push(<em key={key}>{renderInline(token.slice(1, -1), key, hosts)}</em>);
    }
    last = start + token.length;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

export function Markdown({ text, linkHosts = [] }: { text: string; linkHosts?: readonly string[] }) {
  const blocks = parseBlocks(text);
  return (
    <div className="md">
      {blocks.map((b, bi) => {
        const key = `b${bi}`;
        switch (b.kind) {
          case "code":
            return (
              <pre key={key}>
                <code>{b.text}</code>
              </pre>
            );
          case "h": {
            const Tag = (["h3", "h4", "h5"] as const)[b.level - 1];
            return <Tag key={key}>{renderInline(b.text, key, linkHosts)}</Tag>;
          }
          case "ul":
          case "ol": {
            const Tag = b.kind;
            return (
              <Tag key={key}>
                {b.items.map((item, ii) => (
                  <li key={ii}>{renderInline(item, `${key}-${ii}`, linkHosts)}</li>
                ))}
              </Tag>
            );
          }
          default:
            return (
              <p key={key}>
                {b.lines.map((line, li) => (
                  <Fragment key={li}>
                    {li > 0 && <br />}
                    {renderInline(line, `${key}-${li}`, linkHosts)}
                  </Fragment>
                ))}
              </p>
            );
        }
      })}
    </div>
  );
}
