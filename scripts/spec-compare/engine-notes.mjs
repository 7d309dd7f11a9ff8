// `x-engine-differs` notes: where this project's spec departs from the upstream reference on
// purpose (a field the engine spells otherwise, a value the engine never sends, ...). Something
// upstream has and the spec lacks counts as explained when a note near it names it.

export function engineNotes(nodes) {
  return nodes.map((node) => node?.['x-engine-differs']).filter((note) => typeof note === 'string' && note.trim() !== '');
}

// The first note among `nodes` that names `name` as a whole word (`Id` is not named by `ID`, nor
// `size` by `shared-size`). An empty enum value is named by `""` or by the words "empty string".
export function noteNaming(name, nodes) {
  const named =
    name === '' ? (note) => note.includes('""') || /empty string/i.test(note) : (note) => new RegExp(`(?<![\\w-])${escapeRegExp(name)}(?![\\w-])`).test(note);
  return engineNotes(nodes).find(named) ?? null;
}

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
