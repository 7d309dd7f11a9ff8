// Walks an upstream schema and the spec's schema for the same value side by side and reports the
// fields and enum values upstream describes that the spec does not. A field the spec lacks is
// reported once, not with everything beneath it.
//
// Field paths are dotted from the body's top: `Config.Healthcheck.StartInterval`; `[]` steps into
// array items (`Mounts[].Type`), `*` into map values (`NetworkSettings.Networks.*.DNSNames`).
import { noteNaming } from './engine-notes.mjs';
import { schemaShape } from './schema-shape.mjs';

// Recursive schemas end where upstream meets a $ref again; this bounds the rest.
const MAX_DEPTH = 32;

function fieldPath(parent, step) {
  if (step === '[]') return `${parent}[]`;
  return parent ? `${parent}.${step}` : step;
}

// upstream / spec: { document, schemas }. `scopes` holds the spec nodes around the value (the
// operation, the parameter), where notes explaining a missing item may sit; `wholeValueNote` a
// note that explains everything missing (one on the response or request body: the body differs).
// Returns { fields: [{ field, note }], enumValues: [{ field, value, note }] }; note is null unless
// an x-engine-differs note explains the item.
//
// A note explains a missing field or enum value when it names it and sits on the value's object,
// an enclosing one, or a sibling field (a field the engine spells otherwise). A note on an object
// that names one of its fields explains everything upstream has beneath that field too (the spec
// describes that field differently as a whole).
export function diffSchemas(upstream, spec, { path = '', scopes = [], wholeValueNote = null } = {}) {
  const found = { fields: [], enumValues: [] };
  walk(upstream.schemas, spec.schemas, { path, outerNodes: scopes, inheritedNote: wholeValueNote, upstreamRefsAbove: new Set(), depth: 0 });
  return found;

  function walk(upstreamSchemas, specSchemas, { path, outerNodes, inheritedNote, upstreamRefsAbove, depth }) {
    const theirs = schemaShape(upstream.document, upstreamSchemas);
    if (depth > MAX_DEPTH || [...theirs.refs].some((ref) => upstreamRefsAbove.has(ref))) return;
    const ours = schemaShape(spec.document, specSchemas);
    const nodesAround = [...outerNodes, ...ours.nodes];
    const below = (step, theirSchemas, ourSchemas, stepNote = null) =>
      walk(theirSchemas, ourSchemas, {
        path: fieldPath(path, step),
        outerNodes: nodesAround,
        inheritedNote: inheritedNote ?? stepNote,
        upstreamRefsAbove: new Set([...upstreamRefsAbove, ...theirs.refs]),
        depth: depth + 1,
      });

    for (const value of missingEnumValues(theirs.enumValues, ours.enumValues)) {
      found.enumValues.push({ field: path, value, note: inheritedNote ?? noteNaming(value, nodesAround) });
    }
    if (ours.open) return;

    const siblingNodes = [...ours.properties.values()].flat();
    for (const [name, theirSchemas] of theirs.properties) {
      const ourSchemas = ours.properties.get(name) ?? (ours.mapValues.length ? ours.mapValues : null);
      if (ourSchemas) {
        below(name, theirSchemas, ourSchemas, noteNaming(name, ours.nodes));
      } else {
        const note = inheritedNote ?? noteNaming(name, [...nodesAround, ...siblingNodes]);
        found.fields.push({ field: fieldPath(path, name), note });
      }
    }
    if (theirs.items.length) below('[]', theirs.items, ours.items);
    // An upstream map is compared with a spec map only; a spec that lists the keys as properties
    // describes the same value differently, and that is its choice.
    if (theirs.mapValues.length && ours.mapValues.length) below('*', theirs.mapValues, ours.mapValues);
  }
}

// Upstream's enumerated values the spec does not list. A spec without an enum lacks every scalar
// value; an object value (`{}` for the entries of ExposedPorts) is a shape, not a value to list.
function missingEnumValues(theirs, ours) {
  if (!theirs) return [];
  if (!ours && [...theirs.values()].some((value) => value !== null && typeof value === 'object')) return [];
  return [...theirs.keys()].filter((text) => !ours?.has(text));
}
