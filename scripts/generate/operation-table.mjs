// Builds the operation table the runtime turns into methods: one row per operationId with its
// route, tag, version range, parameters (where each goes and how it is encoded) and how the
// answer is consumed. Read from the all-versions document so version marks are still present;
// the media types of the success answer are read from each version's document, since a version
// may relabel them (`x-api-changes`), and recorded with the range of versions that send each one.
import { HTTP_METHODS, compareVersions } from './versions.mjs';

const GROUPS = {
  Container: 'containers',
  Image: 'images',
  Network: 'networks',
  Volume: 'volumes',
  Exec: 'exec',
  Swarm: 'swarm',
  Node: 'nodes',
  Service: 'services',
  Task: 'tasks',
  Secret: 'secrets',
  Config: 'configs',
  Plugin: 'plugins',
  System: 'system',
  Distribution: 'distribution',
  Session: 'session',
};
const RESPONSE_KINDS = new Set(['json', 'text', 'empty', 'binary', 'ndjson', 'logs', 'hijack', 'websocket', 'h2c']);

function resolveLocal(doc, node) {
  while (node && typeof node.$ref === 'string') {
    node = node.$ref
      .slice(2)
      .split('/')
      .reduce((at, part) => at?.[part], doc);
  }
  return node;
}

function methodName(operationId, tag, explicit) {
  if (explicit) return explicit;
  const stem = operationId.startsWith(tag) && operationId.length > tag.length ? operationId.slice(tag.length) : operationId;
  return stem[0].toLowerCase() + stem.slice(1);
}

function encodingOf(doc, param, where) {
  if (param['x-encoding']) return param['x-encoding'];
  const schema = resolveLocal(doc, param.schema) ?? {};
  const types = [].concat(schema.type ?? []);
  if (types.includes('boolean')) return 'bool';
  if (types.includes('array')) return 'repeat';
  if (types.includes('object')) throw new Error(`${where}: object parameter "${param.name}" needs x-encoding`);
  return 'plain';
}

function versionRange(mark) {
  const range = {};
  if (mark?.since) range.since = mark.since;
  if (mark?.removed) range.removed = mark.removed;
  return range;
}

const SUCCESS = /^2\d\d$|^101$/;

function successMediaTypes(op) {
  const types = new Set();
  for (const [status, answer] of Object.entries(op?.responses ?? {})) {
    if (SUCCESS.test(status)) for (const type of Object.keys(answer.content ?? {})) types.add(type);
  }
  return types;
}

/** Each success media type of `method path` with the versions that send it, in order of first appearance. */
function producedTypes(documents, path, method) {
  const ranges = new Map();
  const versions = Object.keys(documents).sort(compareVersions);
  versions.forEach((version, index) => {
    for (const type of successMediaTypes(documents[version].paths?.[path]?.[method])) {
      const range = ranges.get(type) ?? ranges.set(type, { first: index, last: index }).get(type);
      range.last = index;
    }
  });
  return [...ranges].map(([type, { first, last }]) => ({
    type,
    ...(first > 0 ? { since: versions[first] } : {}),
    ...(last < versions.length - 1 ? { removed: versions[last + 1] } : {}),
  }));
}

/** `documents`: the document of every version, by version, for what only a version's view shows. */
export function operationTable(full, documents) {
  const rows = {};
  for (const [path, item] of Object.entries(full.paths)) {
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!op) continue;
      const id = op.operationId;
      const where = `${method.toUpperCase()} ${path}`;
      if (!id) throw new Error(`${where} has no operationId`);
      if (rows[id]) throw new Error(`operationId ${id} used twice`);
      const tag = op.tags?.[0];
      if (!GROUPS[tag] || op.tags.length !== 1) throw new Error(`${id}: needs exactly one known tag`);
      const response = op['x-response'];
      if (!RESPONSE_KINDS.has(response)) throw new Error(`${id}: x-response must be one of ${[...RESPONSE_KINDS]}`);
      const params = [...(item.parameters ?? []), ...(op.parameters ?? [])].map((raw) => {
        const param = resolveLocal(full, raw);
        return {
          name: param.name,
          in: param.in,
          encoding: encodingOf(full, param, id),
          ...(param.required ? { required: true } : {}),
          ...versionRange(param['x-api']),
        };
      });
      const body = resolveLocal(full, op.requestBody);
      rows[id] = {
        method: method.toUpperCase(),
        path,
        tag,
        group: GROUPS[tag],
        name: methodName(id, tag, op['x-method']),
        response,
        ...(op['x-helper'] ? { helper: op['x-helper'] } : {}),
        ...(op['x-long-poll'] ? { longPoll: true } : {}),
        ...(body ? { body: Object.keys(body.content ?? {})[0] } : {}),
        ...versionRange(op['x-api']),
        produces: producedTypes(documents, path, method),
        params,
      };
    }
  }
  const sorted = Object.fromEntries(
    Object.keys(rows)
      .sort()
      .map((id) => [id, rows[id]]),
  );
  const names = new Set();
  for (const row of Object.values(sorted)) {
    const key = `${row.group}.${row.name}`;
    if (names.has(key)) throw new Error(`two operations map to method ${key}; set x-method on one`);
    names.add(key);
  }
  return sorted;
}
