/**
 * A small, safe markdown renderer. It builds React elements directly (never innerHTML), so any
 * HTML in the text is shown as text. Supported: paragraphs, line breaks, headings (#..###),
 * bullet and numbered lists (nested by indentation, numbered from their first number), fenced code, inline code, **bold**, *italic*, and http(s) links to the
 * workspace's listed hosts (`profile.link_hosts`). Answers quote knowledge an editor wrote, so any other
 * link is shown as plain text with its address, never as something to click.
 */
import { Fragment, type ReactNode } from "react";

/** A list item: its text, the lines indented under it that are no item (a note), and its own lists. */
export type Item = { text: string; lines: string[]; children: List[] };
export type List = { kind: "ul" | "ol"; start: number; items: Item[] };

type Block =
  | { kind: "p"; lines: string[] }
  | { kind: "h"; level: 1 | 2 | 3; text: string }
  | { kind: "list"; lists: List[] }
  | { kind: "code"; text: string };

const ITEM = /^(\s*)([-*•]|(\d+)[.)])\s+(.*)$/;

/** The lists of a run of list lines: an item indented deeper than the one before starts a list inside it. */
export function parseLists(lines: string[]): List[] {
  const roots: List[] = [];
  // Open lists, outermost first: the indentation of their items, and the item holding them (null: top level).
  const stack: { indent: number; list: List; parent: Item | null }[] = [];
  let last: Item | null = null;
  for (const line of lines) {
    if (line.trim() === "") continue;
    const m = ITEM.exec(line);
    if (!m) {
      last?.lines.push(line.trim()); // a line indented under an item (a note between steps) stays with it
      continue;
    }
    const indent = m[1].length;
    const kind = m[3] ? "ol" : "ul";
    while (stack.length > 1 && stack[stack.length - 1].indent > indent) stack.pop();
    let top = stack[stack.length - 1];
    const item: Item = { text: m[4], lines: [], children: [] };
    const open = (parent: Item | null): List => {
      const list: List = { kind, start: m[3] ? Number(m[3]) : 1, items: [] };
      (parent ? parent.children : roots).push(list);
      return list;
    };
    if (!top || (indent > top.indent && top.list.items.length > 0)) {
      const parent = top ? top.list.items[top.list.items.length - 1] : null;
      stack.push({ indent, list: open(parent), parent });
    } else if (top.list.kind !== kind) {
      stack[stack.length - 1] = { indent: top.indent, list: open(top.parent), parent: top.parent };
    }
    top = stack[stack.length - 1];
    top.list.items.push(item);
    last = item;
  }
  return roots;
}

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
    if (ITEM.test(line)) {
      // The list goes on over items, lines indented under them, and blank lines before either.
      const run: string[] = [];
      const within = (l: string) => ITEM.test(l) || /^\s{2,}\S/.test(l);
      while (i < lines.length) {
        if (within(lines[i])) run.push(lines[i++]);
        else if (lines[i].trim() === "") {
          let j = i;
          while (j < lines.length && lines[j].trim() === "") j++;
          if (j < lines.length && within(lines[j]) && !lines[j].trimStart().startsWith("```")) i = j;
          else break;
        } else break;
      }
      blocks.push({ kind: "list", lists: parseLists(run) });
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

function renderList(list: List, key: string, hosts: readonly string[]): ReactNode {
  const items = list.items.map((item, ii) => {
    const k = `${key}-${ii}`;
    return (
      <li key={ii}>
        {renderInline(item.text, k, hosts)}
        {item.lines.map((line, li) => (
          <Fragment key={`l${li}`}>
            <br />
            {renderInline(line, `${k}-l${li}`, hosts)}
          </Fragment>
        ))}
        {item.children.map((child, ci) => renderList(child, `${k}-c${ci}`, hosts))}
      </li>
    );
  });
  return list.kind === "ol" ? (
    <ol key={key} start={list.start !== 1 ? list.start : undefined}>
      {items}
    </ol>
  ) : (
    <ul key={key}>{items}</ul>
  );
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
          case "list":
            return <Fragment key={key}>{b.lists.map((l, li) => renderList(l, `${key}-${li}`, linkHosts))}</Fragment>;
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
