// The operation-named surface: `docker.containers.list()`, `docker.images.inspect({ name })`, …
// Built at run time from the generated operation table; typed from the generated types of the
// API version the client is created for, so a 1.41 client shows neither operations nor
// parameters nor fields that appear later.
import type { OperationTypes } from '../generated/operation-types.js';
import { operationTable, type OperationId } from '../generated/operations.js';
import type { ApiTypes, ApiVersion } from '../generated/versions.js';
import { callOperation, type CallOptions, type OperationContext, type StreamingResponse } from './request/operation-call.js';

type Table = typeof operationTable;
type OperationsOf<V extends ApiVersion> = ApiTypes[V]['operations'];
type IdsIn<V extends ApiVersion> = Extract<OperationId, keyof OperationsOf<V>>;

// A parameter section (`path`, `query`, `header`) of an operation, or nothing when it has none.
type Section<P, K extends string> = P extends { [key in K]?: infer S } ? ([NonNullable<S>] extends [never] ? {} : NonNullable<S>) : {};

type BodyOf<Op> = Op extends { requestBody?: infer B }
  ? [NonNullable<B>] extends [never]
    ? {}
    : NonNullable<B> extends { content: infer C }
      ? {} extends Pick<Op, 'requestBody' & keyof Op>
        ? { body?: C[keyof C] }
        : { body: C[keyof C] }
      : {}
  : {};

type Flatten<T> = { [K in keyof T]: T[K] };

/** The single argument object of an operation method: path, query and header parameters, and `body`. */
export type OperationParams<Op> = Op extends { parameters: infer P }
  ? Flatten<Section<P, 'path'> & Section<P, 'query'> & Section<P, 'header'> & BodyOf<Op>>
  : BodyOf<Op>;

/** The argument object of operation `Id` at API version V: what its helper's options derive from. */
export type OperationParamsOf<Id extends OperationId, V extends ApiVersion> = Id extends keyof OperationsOf<V> ? OperationParams<OperationsOf<V>[Id]> : never;

type JsonContent<R> = R extends { content: { 'application/json': infer T } } ? T : never;
type SuccessStatus = 200 | 201 | 202;
type JsonResult<Op> = Op extends { responses: infer R } ? { [S in keyof R]: S extends SuccessStatus ? JsonContent<R[S]> : never }[keyof R] : never;

/**
 * What an operation resolves to, from how the table says its answer is consumed. Upgrading
 * operations are served by helpers (attach, exec); called directly they only run detached.
 */
export type OperationResult<Op, Kind> = Kind extends 'json'
  ? JsonResult<Op>
  : Kind extends 'text'
    ? string
    : Kind extends 'empty' | 'hijack'
      ? void
      : Kind extends 'websocket' | 'h2c'
        ? never
        : StreamingResponse;

/** What operation `Id` resolves to at API version V: what its named `…Result<V>` type stands for. */
export type OperationResultOf<Id extends OperationId, V extends ApiVersion> = Id extends keyof OperationsOf<V>
  ? OperationResult<OperationsOf<V>[Id], Table[Id]['response']>
  : never;

export type OperationMethod<Op, Kind> =
  {} extends OperationParams<Op>
    ? (params?: OperationParams<Op>, options?: CallOptions) => Promise<OperationResult<Op, Kind>>
    : (params: OperationParams<Op>, options?: CallOptions) => Promise<OperationResult<Op, Kind>>;

// A method typed by the named types of its operation (`ContainerListParams<V>`, …), so that hovers
// show those names rather than the structures behind them.
type NamedMethod<Types extends { params: unknown; result: unknown }> = {} extends Types['params']
  ? (params?: Types['params'], options?: CallOptions) => Promise<Types['result']>
  : (params: Types['params'], options?: CallOptions) => Promise<Types['result']>;

/** Every operation of API version V, grouped by tag (`containers`, `images`, `system`, …). */
export type OperationSurface<V extends ApiVersion> = {
  [G in Table[IdsIn<V>]['group']]: {
    [Id in IdsIn<V> as Table[Id]['group'] extends G ? Table[Id]['name'] : never]: NamedMethod<OperationTypes<V>[Id]>;
  };
};

export function buildOperationSurface(context: OperationContext): Record<string, Record<string, unknown>> {
  const groups: Record<string, Record<string, unknown>> = {};
  for (const id of Object.keys(operationTable) as OperationId[]) {
    const { group, name } = operationTable[id];
    groups[group] ??= {};
    groups[group][name] = (params?: Record<string, unknown>, options?: CallOptions) => callOperation(context, id, params, options);
  }
  return groups;
}
