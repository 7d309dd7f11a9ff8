// Reads the operations of a Swagger 2.0 or OpenAPI 3 document into one shape, so the compare does
// not care which kind each side is (upstream is Swagger 2.0; this project's spec is OpenAPI 3.1).
//
// An operation: { key, method, path, operationId, nodes, parameters, requestBody, responses }
//   key         "GET /containers/{}/json": path template names differ between documents ({id}/{name})
//   nodes       the path item and the operation object, where notes about the operation live
//   parameters  [{ in, name, key, schemas, nodes }] without the Swagger 2.0 body parameter
//   requestBody null | { schemas, nodes }
//   responses   { [status]: { schemas, nodes } }
// `schemas` lists alternative schemas (one per media type); `nodes` the objects met on the way.
import { refChain } from './refs.mjs';

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'head', 'patch', 'options'];

function operationKey(method, path) {
  const withoutVersion = path.replace(/^\/v\d+\.\d+(?=\/)/, '');
  return `${method.toUpperCase()} ${withoutVersion.replace(/\{[^}]*\}/g, '{}')}`;
}

// Header names are case-insensitive on the wire (upstream writes `Content-type`).
function parameterKey(location, name) {
  return `${location} ${location === 'header' ? name.toLowerCase() : name}`;
}

export function readOperations(document) {
  const isSwagger2 = String(document.swagger ?? '').startsWith('2');
  const operations = [];
  for (const [path, rawItem] of Object.entries(objectOrNone(document.paths))) {
    const itemChain = refChain(document, rawItem);
    const item = itemChain.at(-1);
    for (const method of HTTP_METHODS) {
      const operation = item?.[method];
      if (!operation || typeof operation !== 'object') continue;
      const parameters = mergedParameters(document, item.parameters, operation.parameters);
      operations.push({
        key: operationKey(method, path),
        method: method.toUpperCase(),
        path,
        operationId: operation.operationId ?? null,
        nodes: [...itemChain, operation],
        ...(isSwagger2 ? swagger2Parts(document, parameters, operation) : openApi3Parts(document, parameters, operation)),
      });
    }
  }
  return operations;
}

// Path-level parameters apply to every operation of the path unless the operation redefines them.
function mergedParameters(document, pathLevel, operationLevel) {
  const byKey = new Map();
  for (const raw of [...listOrNone(pathLevel), ...listOrNone(operationLevel)]) {
    const nodes = refChain(document, raw);
    const parameter = nodes.at(-1);
    if (!parameter?.in || !parameter?.name) continue;
    byKey.set(parameterKey(parameter.in, parameter.name), { parameter, nodes });
  }
  return [...byKey.values()];
}

function swagger2Parts(document, parameters, operation) {
  const body = parameters.find(({ parameter }) => parameter.in === 'body');
  return {
    // A Swagger 2.0 parameter carries its type, enum and items itself: it is its own schema.
    parameters: parameters.filter(({ parameter }) => parameter.in !== 'body').map(({ parameter, nodes }) => describedParameter(parameter, [parameter], nodes)),
    requestBody: body ? { schemas: body.parameter.schema ? [body.parameter.schema] : [], nodes: body.nodes } : null,
    responses: Object.fromEntries(
      Object.entries(objectOrNone(operation.responses)).map(([status, raw]) => {
        const nodes = refChain(document, raw);
        const schema = nodes.at(-1)?.schema;
        return [status, { schemas: schema ? [schema] : [], nodes }];
      }),
    ),
  };
}

function openApi3Parts(document, parameters, operation) {
  const bodyNodes = operation.requestBody ? refChain(document, operation.requestBody) : null;
  return {
    parameters: parameters.map(({ parameter, nodes }) =>
      describedParameter(parameter, parameter.schema ? [parameter.schema] : contentSchemas(parameter.content), nodes),
    ),
    requestBody: bodyNodes ? { schemas: contentSchemas(bodyNodes.at(-1)?.content), nodes: bodyNodes } : null,
    responses: Object.fromEntries(
      Object.entries(objectOrNone(operation.responses)).map(([status, raw]) => {
        const nodes = refChain(document, raw);
        return [status, { schemas: contentSchemas(nodes.at(-1)?.content), nodes }];
      }),
    ),
  };
}

function describedParameter(parameter, schemas, nodes) {
  return { in: parameter.in, name: parameter.name, key: parameterKey(parameter.in, parameter.name), schemas, nodes };
}

function contentSchemas(content) {
  return Object.values(objectOrNone(content))
    .map((media) => media?.schema)
    .filter(Boolean);
}

// A hand-edited upstream file may hold a wrong kind of value somewhere; what cannot be read as
// parameters, responses or media types is treated as none rather than failing the compare.
function listOrNone(value) {
  return Array.isArray(value) ? value : [];
}

function objectOrNone(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}
