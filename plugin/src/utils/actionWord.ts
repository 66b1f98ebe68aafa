/**
 * A journaled action in the panel's words: its button says Resume where the engine's word is
 * unpause.
 */
export function actionWord(action: string): string {
  return action === 'unpause' ? 'resume' : action;
}

/** Who acted, in the panel's words: breakwater's own policies, or the person's name. */
export function actorWord(actor: string): string {
  return actor === 'policy' ? 'breakwater' : actor.replace(/^grafana:/, '');
}
