// Parser for ffmpeg's ffmetadata text format (what `-f ffmetadata` prints): the global key=value tags.

/** The global section's tags, keys lower-cased (WebM stores COMMENT, MP4 comment). Escapes: \ before = ; # \ newline. */
export function parseFfmetadata(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length) {
      line += `\\${text[++i]!}`; // keep escaped, split key/value below
    } else if (c === '\n') {
      lines.push(line);
      line = '';
    } else {
      line += c;
    }
  }
  lines.push(line);
  for (const raw of lines) {
    if (raw.startsWith('[')) break; // [STREAM] / [CHAPTER] sections follow the global tags
    if (raw.startsWith(';') || raw.startsWith('#') || raw === '') continue;
    const eq = findUnescaped(raw, '=');
    if (eq < 0) continue;
    tags[unescape(raw.slice(0, eq)).toLowerCase()] = unescape(raw.slice(eq + 1));
  }
  return tags;
}

function findUnescaped(s: string, ch: string): number {
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '\\') i++;
    else if (s[i] === ch) return i;
  }
  return -1;
}

function unescape(s: string): string {
  return s.replace(/\\([\s\S])/g, '$1');
}
