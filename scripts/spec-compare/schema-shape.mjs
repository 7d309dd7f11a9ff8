// What a schema says about the value at one place, with its alternatives merged: $refs followed,
// allOf/anyOf/oneOf branches combined (a field of any branch counts), so the two documents can be
// compared level by level however each one composes its schemas.
import { refChain } from './refs.mjs';

const COMBINATORS = ['allOf', 'anyOf', 'oneOf'];

// { nodes, refs, properties: Map<name, schema[]>, mapValues, items, enumValues: Map | null, open }
//   nodes       every object met (referring nodes included): where notes are looked for
//   refs        the $refs followed, so a walk can stop at a recursive schema
//   mapValues   additionalProperties schemas (the value is a map)
//   enumValues  the values either enumerated or, for `x-open-enum`, listed as the known ones,
//               keyed by their text
//   open        some alternative leaves the members unconstrained (`{}`, a bare `type: object`):
//               any field below it is described
export function schemaShape(document, schemas) {
  const shape = { nodes: [], refs: new Set(), properties: new Map(), mapValues: [], items: [], enumValues: null, open: false };
  const visit = (schema) => {
    if (schema === true) shape.open = true; // OpenAPI 3.1: the schema that allows anything
    const chain = refChain(document, schema);
    for (const node of chain) if (typeof node.$ref === 'string') shape.refs.add(node.$ref);
    shape.nodes.push(...chain);
    const node = chain.at(-1);
    if (!node || typeof node !== 'object' || typeof node.$ref === 'string') return;
    for (const [name, property] of Object.entries(isSchema(node.properties) ? node.properties : {})) {
      if (!shape.properties.has(name)) shape.properties.set(name, []);
      shape.properties.get(name).push(property);
    }
    if (isSchema(node.additionalProperties)) shape.mapValues.push(node.additionalProperties);
    if (isSchema(node.items)) shape.items.push(node.items);
    for (const value of enumeratedValues(node) ?? []) {
      shape.enumValues ??= new Map();
      shape.enumValues.set(enumValueText(value), value);
    }
    if (leavesMembersOpen(node)) shape.open = true;
    for (const combinator of COMBINATORS) {
      if (Array.isArray(node[combinator])) node[combinator].forEach(visit);
    }
  };
  schemas.forEach(visit);
  return shape;
}

function isSchema(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function enumeratedValues(node) {
  const values = [];
  if (Array.isArray(node.enum)) values.push(...node.enum);
  if ('const' in node) values.push(node.const);
  if (node['x-open-enum'] && Array.isArray(node.examples)) values.push(...node.examples);
  return values.length ? values : null;
}

// Enum values are compared as text: YAML may read `1` where JSON has "1".
function enumValueText(value) {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function leavesMembersOpen(node) {
  if (node.properties || isSchema(node.additionalProperties) || node.additionalProperties === false) return false;
  if (COMBINATORS.some((combinator) => Array.isArray(node[combinator]))) return false;
  if (node.enum || 'const' in node || node.items) return false;
  const types = node.type === undefined ? null : [node.type].flat();
  return types === null || types.includes('object');
}
