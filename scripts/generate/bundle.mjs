// Reads spec/ (root + every paths/*.yaml) and resolves the relative $refs between its files into
// one in-memory OpenAPI document whose schemas, responses and parameters live under `components`.
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { parse } from 'yaml';

const COMPONENT_FILES = [
  { dir: 'schemas', kind: 'schemas' },
  { dir: join('components', 'responses.yaml'), kind: 'responses' },
  { dir: join('components', 'parameters.yaml'), kind: 'parameters' },
];

export function bundleSpec(specDir) {
  const files = new Map();
  const load = (file) => {
    if (!files.has(file)) {
      try {
        files.set(file, parse(readFileSync(file, 'utf8')) ?? {});
      } catch (error) {
        throw new Error(`${relative(specDir, file)}: ${error.message}`);
      }
    }
    return files.get(file);
  };
  const root = structuredClone(load(join(specDir, 'openapi.yaml')));
  const components = { schemas: {}, responses: {}, parameters: {} };
  const origin = { schemas: {}, responses: {}, parameters: {} };

  const componentKind = (file) => {
    const rel = relative(specDir, file);
    for (const { dir, kind } of COMPONENT_FILES) {
      if (rel === dir || rel.startsWith(dir + sep)) return kind;
    }
    return null;
  };

  // Returns the node a (file, pointer) pair designates.
  const lookup = (file, pointer) => {
    let node = load(file);
    for (const raw of pointer.split('/').filter(Boolean)) {
      const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (node === null || typeof node !== 'object' || !(part in node)) {
        throw new Error(`unresolved $ref ${relative(specDir, file)}#${pointer}`);
      }
      node = node[part];
    }
    return node;
  };

  const register = (kind, name, file) => {
    const known = origin[kind][name];
    if (known && known !== file) {
      throw new Error(`${kind} name "${name}" defined in both ${relative(specDir, known)} and ${relative(specDir, file)}`);
    }
    if (known) return;
    origin[kind][name] = file;
    components[kind][name] = null; // reserve before recursing, so cycles terminate
    components[kind][name] = resolveRefs(lookup(file, `/${name}`), file);
  };

  function resolveRefs(node, file) {
    if (Array.isArray(node)) return node.map((item) => resolveRefs(item, file));
    if (node === null || typeof node !== 'object') return node;
    if (typeof node.$ref === 'string') {
      const [target, pointer = ''] = node.$ref.split('#');
      const targetFile = target ? resolve(dirname(file), target) : file;
      const kind = componentKind(targetFile);
      const rest = Object.fromEntries(Object.entries(node).filter(([k]) => k !== '$ref'));
      if (kind) {
        const name = pointer.split('/').filter(Boolean)[0];
        if (!name || pointer.split('/').filter(Boolean).length !== 1) {
          throw new Error(`$ref into ${kind} must name one entry: ${node.$ref} in ${relative(specDir, file)}`);
        }
        register(kind, name, targetFile);
        return { $ref: `#/components/${kind}/${name}`, ...resolveRefs(rest, file) };
      }
      return { ...resolveRefs(lookup(targetFile, pointer), targetFile), ...resolveRefs(rest, file) };
    }
    const out = {};
    for (const [key, value] of Object.entries(node)) out[key] = resolveRefs(value, file);
    return out;
  }

  const pathsDir = join(specDir, 'paths');
  const paths = {};
  for (const name of readdirSync(pathsDir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const file = join(pathsDir, name);
    for (const [path, item] of Object.entries(load(file))) {
      if (paths[path]) throw new Error(`path ${path} appears in more than one file (${name})`);
      paths[path] = resolveRefs(item, file);
    }
  }
  root.paths = Object.fromEntries(
    Object.keys(paths)
      .sort()
      .map((p) => [p, paths[p]]),
  );
  root.components = {};
  for (const kind of Object.keys(components)) {
    const names = Object.keys(components[kind]).sort();
    if (names.length) root.components[kind] = Object.fromEntries(names.map((n) => [n, components[kind][n]]));
  }
  return root;
}
