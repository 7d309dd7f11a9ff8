// Compile-time checks, run by `npm run typecheck`: the named types the package exports are the
// very types the client's methods take and return, version by version.
import {
  type ApiSchemas,
  type ApiTypes,
  type ContainerInspectParams,
  type ContainerInspect,
  type ContainerInspectResult,
  type ContainerListParams,
  type ContainerListResult,
  type ContainerSummary,
  createDocker,
  type Docker,
  type EndpointSettings,
  type ImageSearchOperationResult,
  type ImageSearchResult,
  type OperationParamsOf,
} from '../../src/index.js';

// True only when A and B are the same type (not merely assignable one to the other).
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
const same = <A, B>(verdict: Same<A, B>): Same<A, B> => verdict;

type Method<V extends '1.41' | '1.51', G extends keyof Docker<V>, M extends keyof Docker<V>[G]> = Docker<V>[G][M] extends (...args: infer A) => infer R
  ? { params: A[0]; result: Awaited<R> }
  : never;

// A schema's name at a version is that version's schema (the spec names the answer of
// `GET /containers/{id}/json` ContainerInspect, like its operation).
same<ContainerInspect<'1.51'>, ApiTypes['1.51']['components']['schemas']['ContainerInspect']>(true);
same<ContainerInspect<'1.41'>, ApiTypes['1.41']['components']['schemas']['ContainerInspect']>(true);
same<EndpointSettings<'1.44'>, ApiTypes['1.44']['components']['schemas']['EndpointSettings']>(true);
// Left out, the version is the newest.
same<ContainerInspect, ContainerInspect<'1.55'>>(true);
// Versions differ where the spec says they do (EndpointSettings.DNSNames arrives in 1.44).
same<ContainerInspect<'1.41'>, ContainerInspect<'1.51'>>(false);

// The methods take and return the named types of their operation.
same<Method<'1.51', 'containers', 'inspect'>['params'], ContainerInspectParams<'1.51'>>(true);
same<Method<'1.51', 'containers', 'inspect'>['result'], ContainerInspectResult<'1.51'>>(true);
same<Method<'1.41', 'containers', 'inspect'>['result'], ContainerInspectResult<'1.41'>>(true);
same<Method<'1.51', 'containers', 'list'>['params'], ContainerListParams<'1.51'> | undefined>(true);
same<Method<'1.51', 'containers', 'list'>['result'], ContainerListResult<'1.51'>>(true);
// …which are the schemas the spec names for them.
same<ContainerInspectResult<'1.51'>, ContainerInspect<'1.51'>>(true);
same<ContainerListResult<'1.51'>, ContainerSummary<'1.51'>[]>(true);
// A named parameter type is interchangeable with the argument the helpers derive their options from.
type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const interchangeable: Interchangeable<ContainerListParams<'1.44'>, OperationParamsOf<'ContainerList', '1.44'>> = true;
void interchangeable;

// Where an operation's name would take a schema's, the operation's gets "Operation" in it.
same<ImageSearchOperationResult<'1.51'>, ImageSearchResult<'1.51'>[]>(true);
// Schemas whose names the library's own helpers use are all in ApiSchemas.
same<ApiSchemas.ProgressMessage<'1.51'>, ApiTypes['1.51']['components']['schemas']['ProgressMessage']>(true);

export async function namedTypesInUse(id: string): Promise<ContainerInspect<'1.51'>> {
  const docker = createDocker({ apiVersion: '1.51' });
  const params: ContainerInspectParams<'1.51'> = { id, size: true };
  return docker.containers.inspect(params);
}
