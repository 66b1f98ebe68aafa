import type { components, paths } from './schema.gen';

type Schemas = components['schemas'];

/** The control API's answers, typed from its OpenAPI document (src/api/openapi.json). */
export type Status = Schemas['Status'];
export type Container = Schemas['Container'];
export type LastAction = Schemas['LastAction'];
export type Gpu = Schemas['Gpu'];
export type Watchdog = Schemas['Watchdog'];
export type JournalEntry = Schemas['JournalEntry'];
export type ActionResult = Schemas['ActionResult'];
export type WatchdogResult = Schemas['WatchdogResult'];
export type ApiErrorBody = Schemas['Error'];

/** The actions the API takes on a container: its route's `action` enum. */
export type ContainerAction = paths['/api/v1/containers/{name}/{action}']['post']['parameters']['path']['action'];
