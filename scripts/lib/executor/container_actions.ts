/**
 * The actions breakwater takes on a container, each one engine call: the one list the executor's
 * type, the control API's route and OpenAPI enum, the notifier's and the metrics' sets and the
 * plugin's type (through the generated schema) follow. A new action is an entry here plus its
 * engine call in the executor; the compiler finds the rest.
 */
export const CONTAINER_ACTIONS = ["restart", "pause", "unpause", "stop", "start"] as const;

/** What can be done to a container. */
export type ContainerActionKind = typeof CONTAINER_ACTIONS[number];

/** Whether a word names a container action. */
export function isContainerAction(word: string): word is ContainerActionKind {
  return (CONTAINER_ACTIONS as readonly string[]).includes(word);
}
