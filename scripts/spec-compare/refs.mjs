// Local $ref resolution ("#/definitions/X" in Swagger 2.0, "#/components/schemas/X" in OpenAPI 3).
// Both sides of the compare keep their $refs, so a reference is followed where it is met.

function pointerTarget(document, ref) {
  if (!ref.startsWith('#')) return undefined; // another file: the documents compared are bundled
  let node = document;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

// Every node met on the way from `node` to what it finally designates, the referring node first:
// notes (x-engine-differs) may sit on a referring node as well as on the target. Stops at a cycle
// or an unresolvable reference.
export function refChain(document, node) {
  const chain = [];
  const seen = new Set();
  while (node && typeof node === 'object') {
    chain.push(node);
    if (typeof node.$ref !== 'string' || seen.has(node.$ref)) break;
    seen.add(node.$ref);
    node = pointerTarget(document, node.$ref);
  }
  return chain;
}
