// What an editor shows on hover over the client's methods and answers, asked of TypeScript's own
// language service (the one editors run): names of the package's types, not the structures behind them.
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const probe = `${root}test/types/hover-probe.ts`;
const PROBE = `import { createDocker } from '../../src/index.js';
const docker = createDocker({ apiVersion: '1.51' });
export const inspect = docker.containers.inspect;
export const list = docker.containers.list;
export const info = await inspect({ id: 'x' });
export const state = info.State;
export const listed = await list();
`;

function languageService(): ts.LanguageService {
  const config = ts.getParsedCommandLineOfConfigFile(`${root}tsconfig.json`, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!config) throw new Error('tsconfig.json could not be read');
  const host: ts.LanguageServiceHost = {
    getCompilationSettings: () => config.options,
    getScriptFileNames: () => [probe],
    getScriptVersion: () => '1',
    getScriptSnapshot: (file) => {
      const text = file === probe ? PROBE : ts.sys.readFile(file);
      return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
    },
    getCurrentDirectory: () => root,
    getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
    fileExists: (file) => file === probe || ts.sys.fileExists(file),
    readFile: (file) => (file === probe ? PROBE : ts.sys.readFile(file)),
    readDirectory: ts.sys.readDirectory,
    directoryExists: ts.sys.directoryExists,
    getDirectories: ts.sys.getDirectories,
  };
  return ts.createLanguageService(host, ts.createDocumentRegistry());
}

// The first question makes TypeScript load and check the whole package: seconds, more on a busy machine.
describe('hovers over the client', { timeout: 60_000 }, () => {
  const service = languageService();
  const hover = (name: string) => {
    const at = PROBE.indexOf(`export const ${name} `) + 'export const '.length;
    const info = service.getQuickInfoAtPosition(probe, at);
    return ts.displayPartsToString(info?.displayParts);
  };

  it('name the parameter and result types of a method', () => {
    expect(hover('inspect')).toBe('const inspect: (params: ContainerInspectParams<"1.51">, options?: CallOptions) => Promise<ContainerInspect<"1.51">>');
    expect(hover('list')).toBe('const list: (params?: ContainerListParams<"1.51"> | undefined, options?: CallOptions) => Promise<ContainerSummary<"1.51">[]>');
  });

  it('name the schemas of an answer, down to its fields', () => {
    expect(hover('info')).toBe('const info: ContainerInspect<"1.51">');
    expect(hover('state')).toBe('const state: ContainerState<"1.51">');
    expect(hover('listed')).toBe('const listed: ContainerSummary<"1.51">[]');
  });

  it('report no type error in the probe', () => {
    expect(service.getSemanticDiagnostics(probe).map((diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'))).toEqual([]);
  });
});
