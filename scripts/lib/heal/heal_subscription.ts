import type { EventSubscriber } from "../engine/event_hub.ts";
import { HEAL_EVENTS, type HealLoop } from "./heal_loop.ts";

/**
 * The heal loop's subscription to the engine's events: each event it acts on goes to it, and each
 * (re)connection starts a full pass; `onFirstPass` is told when one completed (the daemon is
 * ready then).
 */
export function healSubscription(
  heal: Pick<HealLoop, "onEvent" | "onConnected">,
  onFirstPass: () => void,
): EventSubscriber {
  return {
    actions: HEAL_EVENTS,
    onEvent: (event) => void heal.onEvent(event),
    onConnected: () => void heal.onConnected().then((passed) => passed && onFirstPass()),
  };
}
