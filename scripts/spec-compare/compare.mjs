// Compares an upstream document of one API version with this project's document of that version
// and lists what upstream has and the spec lacks. Items an x-engine-differs note explains are
// listed apart, as "explained", with the note.
import { noteNaming, engineNotes } from './engine-notes.mjs';
import { readOperations } from './operations.mjs';
import { diffSchemas } from './schema-diff.mjs';

export const CATEGORIES = ['operations', 'parameters', 'requestBodyFields', 'responses', 'responseFields', 'enumValues'];

export function compareDocuments(upstreamDocument, specDocument) {
  const findings = Object.fromEntries(CATEGORIES.map((category) => [category, []]));
  const add = (category, item, note) => findings[category].push(note ? { ...item, note } : item);
  const specOperations = new Map(readOperations(specDocument).map((operation) => [operation.key, operation]));
  const upstream = (schemas) => ({ document: upstreamDocument, schemas });
  const spec = (schemas) => ({ document: specDocument, schemas });

  for (const theirs of readOperations(upstreamDocument)) {
    const ours = specOperations.get(theirs.key);
    const operation = { operationId: theirs.operationId ?? ours?.operationId ?? null, method: theirs.method, path: theirs.path };
    if (!ours) {
      add('operations', operation);
      continue;
    }

    const ourParameters = new Map(ours.parameters.map((parameter) => [parameter.key, parameter]));
    const everyParameterNode = [...ours.nodes, ...ours.parameters.flatMap((parameter) => [...parameter.nodes, ...parameter.schemas])];
    for (const parameter of theirs.parameters) {
      const ourParameter = ourParameters.get(parameter.key);
      if (!ourParameter) {
        add('parameters', { ...operation, in: parameter.in, name: parameter.name }, noteNaming(parameter.name, everyParameterNode));
        continue;
      }
      const { enumValues } = diffSchemas(upstream(parameter.schemas), spec(ourParameter.schemas), {
        path: parameter.name,
        scopes: [...ours.nodes, ...ourParameter.nodes],
      });
      for (const { field, value, note } of enumValues) {
        add('enumValues', { ...operation, where: 'parameter', in: parameter.in, field, value }, note);
      }
    }

    if (theirs.requestBody?.schemas.length) {
      if (!ours.requestBody?.schemas.length) {
        // The whole body: only a note on the operation or on its body can explain that.
        add('requestBodyFields', { ...operation, field: '' }, firstNote([...ours.nodes, ...(ours.requestBody?.nodes ?? [])]));
      } else {
        const { fields, enumValues } = diffSchemas(upstream(theirs.requestBody.schemas), spec(ours.requestBody.schemas), {
          scopes: ours.nodes,
          wholeValueNote: firstNote(ours.requestBody.nodes),
        });
        for (const { field, note } of fields) add('requestBodyFields', { ...operation, field }, note);
        for (const { field, value, note } of enumValues) add('enumValues', { ...operation, where: 'request body', field, value }, note);
      }
    }

    const everyResponseNode = [...ours.nodes, ...Object.values(ours.responses).flatMap((response) => response.nodes)];
    for (const [status, response] of Object.entries(theirs.responses)) {
      const ourResponse = ours.responses[status] ?? ours.responses.default;
      if (!ourResponse) {
        add('responses', { ...operation, status }, noteNaming(status, everyResponseNode));
        continue;
      }
      // A HEAD answer has no body, whatever a document says of it.
      if (!response.schemas.length || theirs.method === 'HEAD') continue;
      if (!ourResponse.schemas.length) {
        add('responseFields', { ...operation, status, field: '' }, firstNote([...ours.nodes, ...ourResponse.nodes]));
        continue;
      }
      const { fields, enumValues } = diffSchemas(upstream(response.schemas), spec(ourResponse.schemas), {
        scopes: ours.nodes,
        wholeValueNote: firstNote(ourResponse.nodes),
      });
      for (const { field, note } of fields) add('responseFields', { ...operation, status, field }, note);
      for (const { field, value, note } of enumValues) add('enumValues', { ...operation, where: 'response', status, field, value }, note);
    }
  }
  return splitExplained(findings);
}

function firstNote(nodes) {
  return engineNotes(nodes)[0] ?? null;
}

function splitExplained(findings) {
  const missing = {};
  const explained = {};
  for (const [category, items] of Object.entries(findings)) {
    missing[category] = items.filter((item) => !item.note);
    explained[category] = items.filter((item) => item.note);
  }
  return { missing, explained };
}
