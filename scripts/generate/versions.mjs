// Turns the one all-versions document into the document of a single API version by applying the
// spec's version marks (see spec/README.md), then drops the marks and unused components.

export function compareVersions(a, b) {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

export function versionRange(oldest, newest) {
  const [major, first] = oldest.split('.').map(Number);
  const last = Number(newest.split('.')[1]);
  return Array.from({ length: last - first + 1 }, (_, i) => `${major}.${first + i}`);
}

export function presentIn(mark, version) {
  if (!mark) return true;
  if (mark.since && compareVersions(version, mark.since) < 0) return false;
  if (mark.removed && compareVersions(version, mark.removed) >= 0) return false;
  return true;
}

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'head', 'patch', 'options'];

const MARKS = new Set(['x-api', 'x-api-enum', 'x-api-changes']);

function applyChanges(node, version) {
  let out = node;
  for (const change of node['x-api-changes'] ?? []) {
    if (compareVersions(version, change.since) < 0) continue;
    out = { ...out, ...(change.set ?? {}) };
    for (const key of change.unset ?? []) delete out[key];
  }
  return out;
}

// The version marks stay visible to readers of a version's document (and of its TypeScript
// types, where descriptions become doc comments).
function versionNote(mark, version, oldest) {
  const notes = [];
  if (mark.since && compareVersions(mark.since, oldest) > 0) notes.push(`Added in API ${mark.since}.`);
  if (mark.deprecated && compareVersions(version, mark.deprecated) >= 0) notes.push(`Deprecated since API ${mark.deprecated}.`);
  if (mark.removed) notes.push(`Removed in API ${mark.removed}.`);
  return notes.join(' ');
}

// `role` is 'content' for a `content` map and 'media' for its entries: media type objects have no
// description, so they get no version note.
function filterNode(node, version, oldest, role = 'node') {
  if (Array.isArray(node)) {
    return node.filter((item) => !(item && typeof item === 'object' && !presentIn(item['x-api'], version))).map((item) => filterNode(item, version, oldest));
  }
  if (node === null || typeof node !== 'object') return node;
  const changed = applyChanges(node, version);
  const out = {};
  for (const [key, value] of Object.entries(changed)) {
    if (MARKS.has(key)) continue;
    if (value && typeof value === 'object' && !Array.isArray(value) && !presentIn(value['x-api'], version)) continue;
    const childRole = role === 'content' ? 'media' : key === 'content' ? 'content' : 'node';
    out[key] = filterNode(value, version, oldest, childRole);
  }
  const mark = node['x-api'];
  if (mark) {
    if (mark.deprecated && compareVersions(version, mark.deprecated) >= 0) out.deprecated = true;
    const note = role === 'media' ? '' : versionNote(mark, version, oldest);
    if (note) out.description = out.description ? `${out.description.trimEnd()}\n\n${note}` : note;
  }
  if (Array.isArray(out.enum) && node['x-api-enum']) {
    out.enum = out.enum.filter((value) => presentIn(node['x-api-enum'][String(value)], version));
  }
  if (Array.isArray(out.required) && out.properties) {
    out.required = out.required.filter((name) => name in out.properties);
    if (!out.required.length) delete out.required;
  }
  if (out['x-open-enum'] && Array.isArray(out.enum)) {
    // An open enum accepts any string; the known values stay visible as examples.
    out.examples = out.enum;
    delete out.enum;
  }
  return out;
}

function collectRefs(node, into) {
  if (Array.isArray(node)) node.forEach((item) => collectRefs(item, into));
  else if (node && typeof node === 'object') {
    if (typeof node.$ref === 'string') into.add(node.$ref);
    Object.values(node).forEach((value) => collectRefs(value, into));
  }
}

// Keeps only the components reachable from the paths, so a version carries no schema it never uses.
function pruneComponents(doc) {
  const reachable = new Set();
  const pending = [];
  const visit = (node) => {
    const refs = new Set();
    collectRefs(node, refs);
    for (const ref of refs)
      if (!reachable.has(ref)) {
        reachable.add(ref);
        pending.push(ref);
      }
  };
  visit(doc.paths);
  while (pending.length) {
    const [, , kind, name] = pending.pop().split('/');
    visit(doc.components?.[kind]?.[name]);
  }
  for (const [kind, entries] of Object.entries(doc.components ?? {})) {
    for (const name of Object.keys(entries)) {
      if (!reachable.has(`#/components/${kind}/${name}`)) delete entries[name];
    }
    if (!Object.keys(entries).length) delete doc.components[kind];
  }
  return doc;
}

export function documentFor(full, version) {
  const doc = filterNode(full, version, full['x-api-versions'].oldest);
  delete doc['x-api-versions'];
  doc.info = { ...doc.info, version };
  if (doc.servers?.[0]?.variables?.version) doc.servers[0].variables.version.default = version;
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!HTTP_METHODS.some((method) => item[method])) delete doc.paths[path];
  }
  return pruneComponents(doc);
}
