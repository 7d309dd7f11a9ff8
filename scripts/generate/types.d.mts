// Types of types.mjs, for the test that compares the shared declarations with openapi-typescript's own.
export function typesFor(doc: { [key: string]: unknown }): Promise<string>;
