// The per-version types share their declarations (scripts/generate/shared-types.mjs). This checks
// that sharing changed nothing: for a few versions, TypeScript compares every schema, response,
// operation and path of the shared types with the module openapi-typescript writes for that version
// on its own (made here in memory), after flattening both, and must find them identical.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { typesFor } from '../../scripts/generate/types.mjs';
import { documentFor } from '../../scripts/generate/versions.mjs';
import { openApiSource } from '../../src/openapi-document.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const VERSIONS = ['1.41', '1.44', '1.55'];
const KINDS = { schemas: "['components']['schemas']", responses: "['components']['responses']", operations: "['operations']", paths: "['paths']" };

async function virtualFiles(): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const lines = [
    "import type { ApiTypes } from './versions.js';",
    // Intersections and mapped types flattened into plain objects, so that identity compares shapes.
    'type Flat<T> = T extends (...args: never[]) => unknown ? T : T extends object ? { [K in keyof T]: Flat<T[K]> } : T;',
    'type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;',
    'type Differing<R, S> = { [K in keyof R | keyof S]: K extends keyof R ? (K extends keyof S ? (Same<Flat<R[K]>, Flat<S[K]>> extends true ? never : K) : K) : K }[keyof R | keyof S];',
  ];
  for (const version of VERSIONS) {
    const name = `reference_v${version.replace('.', '_')}`;
    files.set(`${root}generated/${name}.ts`, await typesFor(documentFor(openApiSource(), version)));
    lines.push(`import type * as ${name} from './${name}.js';`);
    for (const [kind, access] of Object.entries(KINDS)) {
      const reference = kind === 'schemas' || kind === 'responses' ? `${name}.components${access.replace("['components']", '')}` : `${name}.${kind}`;
      lines.push(`export type ${kind}_${name} = Differing<${reference}, ApiTypes['${version}']${access}>;`);
    }
  }
  files.set(`${root}generated/shared-types-probe.ts`, lines.join('\n'));
  return files;
}

describe('shared per-version types', () => {
  it('are, version by version, what openapi-typescript writes for each version alone', async () => {
    const files = await virtualFiles();
    const options: ts.CompilerOptions = {
      strict: true,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      noEmit: true,
      skipLibCheck: true,
      types: [],
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => files.get(file) ?? readFile(file);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => files.has(file) || fileExists(file);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language) => (files.has(file) ? ts.createSourceFile(file, files.get(file)!, language) : getSourceFile(file, language));
    const probe = `${root}generated/shared-types-probe.ts`;
    const program = ts.createProgram([probe], options, host);
    expect(ts.getPreEmitDiagnostics(program).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))).toEqual([]);
    const checker = program.getTypeChecker();
    const verdicts: Record<string, string> = {};
    for (const statement of program.getSourceFile(probe)!.statements) {
      if (ts.isTypeAliasDeclaration(statement) && statement.modifiers?.some((modifier) => modifier.kind === ts.SyntaxKind.ExportKeyword)) {
        verdicts[statement.name.text] = checker.typeToString(checker.getTypeAtLocation(statement.name));
      }
    }
    expect(Object.keys(verdicts)).toHaveLength(VERSIONS.length * Object.keys(KINDS).length);
    // Each names the entries that differ: none may.
    expect(Object.entries(verdicts).filter(([, differing]) => differing !== 'never')).toEqual([]);
  }, 120_000);
});
