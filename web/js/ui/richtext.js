// A message's text as DOM nodes: http and https links made clickable, @mentions marked (the reader's own
// more strongly), and light formatting (**bold**, *italic* or _italic_, `code`). Everything is built with text nodes and createElement: whatever the text
// holds is shown, never parsed as markup.

const CODE_RE = /`([^`\n]+)`/g;
const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// A username after @ (3 to 32 of A-Z a-z 0-9 _ . -), not inside a word or an address; a final dot ends the sentence.
const MENTION_RE = /(?<![\w@.-])@([A-Za-z0-9_.-]{2,31}[A-Za-z0-9_-])/g;
const EMPHASIS_RE = /\*\*(?=\S)([^*\n]*?\S)\*\*|(?<![\w*])\*(?=\S)([^*\n]*?\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]*?\S)_(?![\w_])/g;
// Punctuation that ends a sentence more often than it ends a link.
const TRAILING_RE = /[.,;:!?)\]}'"]+$/;

/** Renders `text` into `parent` (replacing what it held) for the reader `me`, and returns `parent`. */
export function renderRichText(parent, text, me = '') {
  parent.replaceChildren();
  const reader = (me || '').toLowerCase();
  splitBy(text, CODE_RE, (plain) => appendLinks(parent, plain, reader), (match) => {
    parent.append(element('code', match[1]));
  });
  return parent;
}

/** True when `text` mentions `user` (usernames are unique without regard to case). */
export function mentions(text, user) {
  const reader = (user || '').toLowerCase();
  const plain = text.replace(CODE_RE, ' ').replace(URL_RE, ' ');
  return [...plain.matchAll(MENTION_RE)].some((match) => match[1].toLowerCase() === reader);
}

/** The http or https URL `candidate` names, or null for anything else. */
export function safeLink(candidate) {
  try {
    const url = new URL(candidate);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

function appendLinks(parent, text, reader) {
  splitBy(text, URL_RE, (plain) => appendMentions(parent, plain, reader), (match) => {
    let raw = match[0];
    const trailing = raw.match(TRAILING_RE)?.[0] ?? '';
    // A closing parenthesis belongs to the link when the link opened one (Wikipedia's style of URL).
    const keep = trailing.startsWith(')') && raw.slice(0, -trailing.length).includes('(') ? 1 : 0;
    raw = raw.slice(0, raw.length - trailing.length + keep);
    const href = safeLink(raw);
    if (href) {
      const a = element('a', raw);
      a.href = href;
      a.target = '_blank';
      a.rel = 'noopener noreferrer';
      parent.append(a);
    } else {
      appendMentions(parent, raw, reader);
    }
    const rest = trailing.slice(keep);
    if (rest) parent.append(document.createTextNode(rest));
  });
}

function appendMentions(parent, text, reader) {
  splitBy(text, MENTION_RE, (plain) => appendEmphasis(parent, plain), (match) => {
    const mention = element('span', match[0]);
    mention.className = match[1].toLowerCase() === reader ? 'mention mine' : 'mention';
    parent.append(mention);
  });
}

function appendEmphasis(parent, text) {
  splitBy(text, EMPHASIS_RE, (plain) => parent.append(document.createTextNode(plain)), (match) => {
    if (match[1] !== undefined) parent.append(element('strong', match[1]));
    else parent.append(element('em', match[2] ?? match[3]));
  });
}

function splitBy(text, re, onPlain, onMatch) {
  let last = 0;
  re.lastIndex = 0;
  for (const match of text.matchAll(re)) {
    if (match.index > last) onPlain(text.slice(last, match.index));
    onMatch(match);
    last = match.index + match[0].length;
  }
  if (last < text.length) onPlain(text.slice(last));
}

function element(tag, text) {
  const node = document.createElement(tag);
  node.textContent = text;
  return node;
}
