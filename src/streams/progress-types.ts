// The message every progress stream is made of (pull, import, push, load, build, plugin
// pull/upgrade/push), as the spec describes it. Every field is optional: which ones appear
// depends on the operation. Its shape is the same in every API version.
import type { ApiTypes, NewestApiVersion } from '../../generated/versions.js';

type Schemas = ApiTypes[NewestApiVersion]['components']['schemas'];

export type ProgressMessage = Schemas['ProgressMessage'];
export type ProgressDetail = Schemas['ProgressDetail'];
