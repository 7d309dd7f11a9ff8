// The reference of the library's own surface (createDocker, the helpers, the errors, the named
// types), rendered by TypeDoc from src/index.ts and src/openapi-document.ts into docs/library/.
// Any warning fails it: a type the surface names but does not export, a broken link, an unknown tag.
// Settings in typedoc.json; here only what is derived from generated/: the generator's internal
// building blocks (each version's `paths`, `components` and `operations`, the per-version selectors
// of generated/types/variants.ts that the named schema types stand on, the operation table's type)
// are reached through the exported names and documented there, not each on a page of its own.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Application, TSConfigReader, TypeDocReader } from 'typedoc';

const BUILDING_BLOCKS_OF_EACH_VERSION = ['paths', 'components', 'operations'];

/** The schema selectors generated/types/variants.ts exports, each as `file:name` (TypeDoc's form for one declaration). */
function schemaSelectors(root) {
  const file = 'generated/types/variants.ts';
  const text = readFileSync(join(root, file), 'utf8');
  return [...text.matchAll(/^export type (Schema_[A-Za-z0-9]+_Shape)\b/gm)].map((match) => `${file}:${match[1]}`);
}

function generatedBuildingBlocks(root) {
  const versionModules = readdirSync(join(root, 'generated', 'types')).filter((file) => /^v\d+\.\d+\.ts$/.test(file));
  return [
    ...schemaSelectors(root),
    ...versionModules.flatMap((file) => BUILDING_BLOCKS_OF_EACH_VERSION.map((name) => `generated/types/${file}:${name}`)),
    'generated/operations.ts:OperationTableTypes',
  ];
}

/** Renders the library reference into `out`; throws when TypeDoc reports an error or a warning. */
export async function renderLibraryReference(root, out) {
  const app = await Application.bootstrapWithPlugins({ options: join(root, 'typedoc.json'), out }, [new TypeDocReader(), new TSConfigReader()]);
  app.options.setValue('intentionallyNotExported', [...app.options.getValue('intentionallyNotExported'), ...generatedBuildingBlocks(root)]);
  const project = await app.convert();
  if (project) {
    app.validate(project);
    await app.generateDocs(project, out);
  }
  if (!project || app.logger.hasErrors() || app.logger.hasWarnings()) {
    throw new Error(`TypeDoc reported ${app.logger.errorCount} errors and ${app.logger.warningCount} warnings for the library reference`);
  }
}
