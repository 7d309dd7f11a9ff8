// The records of the JSON streams, typed from the spec of the API version a client is made for.
import type { ApiTypes, ApiVersion } from '../../generated/versions.js';

type Schemas<V extends ApiVersion> = ApiTypes[V]['components']['schemas'];

/** One record of `GET /containers/{id}/stats`. */
export type ContainerStats<V extends ApiVersion> = Schemas<V>['ContainerStatsResponse'];

/** One record of `GET /events`. */
export type DockerEvent<V extends ApiVersion> = Schemas<V>['EventMessage'];

/** The `filters` of `GET /events`: key → values. */
export type EventFilters<V extends ApiVersion> = Schemas<V>['SystemEventsFilters'];
