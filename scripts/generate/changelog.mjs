// The changelog of the API versions, read from the version marks of the all-versions document
// (spec/README.md): what each version adds, changes, deprecates and removes. `npm run generate`
// writes it as generated/api-changelog.md; `npm run docs` renders the same entries as HTML.
import { HTTP_METHODS, compareVersions } from './versions.mjs';

const KINDS = ['added', 'changed', 'deprecated', 'removed'];
const TITLES = { added: 'Added', changed: 'Changed', deprecated: 'Deprecated', removed: 'Removed' };
const SKIPPED = new Set(['content', 'schema', 'allOf', 'oneOf', 'anyOf']);

/** The first sentence of a description, short enough for one line. */
function gist(description) {
  if (typeof description !== 'string') return '';
  const sentence =
    description
      .replace(/\s+/g, ' ')
      .trim()
      .split(/(?<=\.)\s/)[0] ?? '';
  return sentence.length > 140 ? `${sentence.slice(0, 137)}…` : sentence;
}

const resolveLocal = (full, node) =>
  typeof node?.$ref === 'string' && node.$ref.startsWith('#/')
    ? node.$ref
        .slice(2)
        .split('/')
        .reduce((at, part) => at?.[part], full)
    : node;

/** Where a node sits, in words: "`GET /containers/json` parameter `all`", "`HostConfig.Annotations`". */
function locate(full, segments) {
  let label;
  let start;
  if (segments[0] === 'paths') {
    const method = HTTP_METHODS.includes(segments[2]) ? segments[2] : undefined;
    label = method ? `${method.toUpperCase()} ${segments[1]}` : segments[1];
    start = method ? 3 : 2;
  } else if (segments[0] === 'components') {
    label = segments[2];
    start = 3;
  } else {
    return `\`${segments.join('.')}\``;
  }
  let node = segments.slice(0, start).reduce((at, part) => at?.[part], full);
  let where = '';
  let field = '';
  for (let i = start; i < segments.length; i++) {
    const segment = segments[i];
    const parent = node;
    node = node?.[segment];
    const previous = segments[i - 1];
    if (previous === 'parameters' && typeof segment === 'number') where += ` parameter \`${resolveLocal(full, node)?.name}\``;
    else if (previous === 'responses') where += ` answer ${segment}`;
    else if (previous === 'headers') where += ` header \`${segment}\``;
    else if (previous === 'content') where += ` as \`${segment}\``;
    else if (previous === 'properties' && parent && !Array.isArray(parent)) field += field ? `.${segment}` : segment;
    else if (segment === 'items') field += '[]';
    else if (segment === 'additionalProperties') field += '[key]';
    else if (segment === 'requestBody') where += ' body';
    else if (
      SKIPPED.has(segment) ||
      SKIPPED.has(previous) ||
      segment === 'parameters' ||
      segment === 'responses' ||
      segment === 'headers' ||
      segment === 'properties'
    )
      continue;
  }
  if (segments[0] === 'components' && !where) return `\`${label}${field ? `.${field}` : ''}\``;
  return `\`${label}\`${where}${field ? ` field \`${field}\`` : ''}`;
}

/** What one `x-api-changes` entry does, against the object it changes. */
function describeChange(node, change) {
  const parts = [];
  for (const [key, value] of Object.entries(change.set ?? {})) {
    if (key === 'required' && Array.isArray(value)) {
      const names = (list) => list.map((name) => `\`${name}\``).join(', ');
      const now = value.filter((name) => !(node.required ?? []).includes(name));
      const dropped = (node.required ?? []).filter((name) => !value.includes(name));
      if (now.length) parts.push(`always sent from now on: ${names(now)}`);
      if (dropped.length) parts.push(`no longer always sent: ${names(dropped)}`);
    } else if (key === 'description') {
      parts.push('description reworded');
    } else {
      parts.push(`\`${key}\` becomes \`${JSON.stringify(value)}\``);
    }
  }
  for (const key of change.unset ?? []) {
    parts.push(key === 'required' ? 'no field is guaranteed any more (`required` dropped)' : `\`${key}\` dropped`);
  }
  return parts.join('; ');
}

/** Per version after the oldest, newest first: { version, added, changed, deprecated, removed }, each a sorted list of lines. */
export function apiChangelog(full) {
  const { oldest, newest } = full['x-api-versions'];
  const log = new Map();
  const note = (version, kind, text) => {
    if (compareVersions(version, oldest) <= 0 || compareVersions(version, newest) > 0) return;
    const entry = log.get(version) ?? log.set(version, Object.fromEntries(KINDS.map((k) => [k, new Set()]))).get(version);
    entry[kind].add(text);
  };
  const visit = (node, segments) => {
    if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, [...segments, index]));
      return;
    }
    if (!node || typeof node !== 'object') return;
    const where = () => locate(full, segments);
    const about = gist(node.description ?? resolveLocal(full, node)?.description);
    const line = (text) => (about ? `${text}: ${about}` : text);
    const mark = node['x-api'];
    if (mark?.since) note(mark.since, 'added', line(where()));
    if (mark?.deprecated) note(mark.deprecated, 'deprecated', line(where()));
    if (mark?.removed) note(mark.removed, 'removed', line(where()));
    for (const [value, valueMark] of Object.entries(node['x-api-enum'] ?? {})) {
      if (valueMark.since) note(valueMark.since, 'added', `value \`${value}\` of ${where()}`);
      if (valueMark.removed) note(valueMark.removed, 'removed', `value \`${value}\` of ${where()}`);
    }
    for (const change of node['x-api-changes'] ?? []) note(change.since, 'changed', `${where()}: ${describeChange(node, change)}`);
    for (const [key, value] of Object.entries(node)) {
      if (!key.startsWith('x-api')) visit(value, [...segments, key]);
    }
  };
  visit(full.paths, ['paths']);
  visit(full.components, ['components']);
  const versions = [];
  for (let minor = Number(newest.split('.')[1]); minor > Number(oldest.split('.')[1]); minor--) {
    const version = `${newest.split('.')[0]}.${minor}`;
    const entry = log.get(version);
    versions.push({ version, ...Object.fromEntries(KINDS.map((kind) => [kind, [...(entry?.[kind] ?? [])].sort()])) });
  }
  return { oldest, newest, versions };
}

export function changelogMarkdown({ oldest, newest, versions }) {
  const sections = versions.map((entry) => {
    const kinds = KINDS.filter((kind) => entry[kind].length);
    const body = kinds.length
      ? kinds.map((kind) => `### ${TITLES[kind]}\n\n${entry[kind].map((line) => `- ${line}`).join('\n')}`).join('\n\n')
      : 'Nothing the spec describes changes in this version.';
    return `## API ${entry.version}\n\n${body}`;
  });
  return `<!-- Generated by \`npm run generate\` from the version marks of spec/. Do not edit by hand. -->
# What changes between API versions ${oldest} and ${newest}

Each version lists what it adds, changes, deprecates and removes against the version before it,
as the spec's version marks (\`x-api\`, \`x-api-enum\`, \`x-api-changes\`) say. API ${oldest} is the
oldest version this package speaks, so it is the baseline.

${sections.join('\n\n')}
`;
}

const escapeHtml = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const inline = (text) => escapeHtml(text).replace(/`([^`]*)`/g, '<code>$1</code>');

/** The same changelog as one HTML page, for `npm run docs`. */
export function changelogHtml({ oldest, newest, versions }) {
  const sections = versions.map((entry) => {
    const kinds = KINDS.filter((kind) => entry[kind].length);
    const body = kinds.length
      ? kinds.map((kind) => `<h3>${TITLES[kind]}</h3>\n<ul>\n${entry[kind].map((line) => `<li>${inline(line)}</li>`).join('\n')}\n</ul>`).join('\n')
      : '<p>Nothing the spec describes changes in this version.</p>';
    return `<h2 id="v${entry.version}">API ${entry.version}</h2>\n${body}`;
  });
  return `<!doctype html>
<meta charset="utf-8"><title>Docker Engine API: what changes between versions</title>
<h1>What changes between API versions ${oldest} and ${newest}</h1>
<p>Each version lists what it adds, changes, deprecates and removes against the version before it, as
the spec's version marks say. API ${oldest} is the baseline.</p>
${sections.join('\n')}
`;
}
