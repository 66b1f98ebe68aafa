/** A service that `docker compose up` starts without a profile. */
export interface StackService {
  name: string;
  image: string | null;
  healthcheck: boolean;
}

/** The services of an interpolated Compose document that run by default (no `profiles`). Pure. */
export function defaultServices(compose: unknown): StackService[] {
  const services = (compose as { services?: Record<string, Record<string, unknown>> })?.services ??
    {};
  return Object.entries(services)
    .filter(([, service]) => !Array.isArray(service.profiles) || service.profiles.length === 0)
    .map(([name, service]) => ({
      name,
      image: typeof service.image === "string" ? service.image : null,
      healthcheck: typeof service.healthcheck === "object" && service.healthcheck !== null &&
        !(service.healthcheck as { disable?: boolean }).disable,
    }));
}

/** A container of the stack, as the engine lists and inspects it. */
export interface StackContainer {
  service: string;
  id: string;
  state: string;
  /** `healthy`, `unhealthy`, `starting`, or `none` without a healthcheck. */
  health: string;
  labels: Record<string, string>;
}

/** Whether a container has come up: healthy, or running when it has no healthcheck. Pure. */
export function isUp(container: StackContainer): boolean {
  return container.state === "running" &&
    (container.health === "healthy" || container.health === "none");
}

/** One line of the services' state for the progress display. Pure. */
export function describeServices(
  services: readonly StackService[],
  containers: readonly StackContainer[],
): string {
  return services.map((service) => {
    const container = containers.find((each) => each.service === service.name);
    if (!container) return `${service.name}: no container`;
    if (isUp(container)) return `${service.name}: up`;
    return `${service.name}: ${container.state === "running" ? container.health : container.state}`;
  }).join(", ");
}
