/**
 * A network namespace of the test's own, joined to this one by a veth pair: an address that is not
 * loopback, as another machine on the LAN would have, while no packet leaves this machine. Needs
 * root (`ip netns`). The subnet is one of the documentation ranges that no route here uses.
 */
export class NetworkNamespace {
  private constructor(
    readonly name: string,
    /** The namespace's own address: "the other machine". */
    readonly address: string,
    /** This side's address on the pair, as the other machine sees us. */
    readonly hostAddress: string,
  ) {}

  static async create(): Promise<NetworkNamespace> {
    const subnet = await unusedSubnet();
    const id = crypto.randomUUID().slice(0, 6);
    const name = `bw-${id}`;
    const namespace = new NetworkNamespace(name, `${subnet}.10`, `${subnet}.1`);
    await ip("netns", "add", name);
    try {
      await ip("link", "add", `bwh-${id}`, "type", "veth", "peer", "name", `bwn-${id}`);
      await ip("link", "set", `bwn-${id}`, "netns", name);
      await ip("addr", "add", `${namespace.hostAddress}/24`, "dev", `bwh-${id}`);
      await ip("link", "set", `bwh-${id}`, "up");
      await ip("-n", name, "addr", "add", `${namespace.address}/24`, "dev", `bwn-${id}`);
      await ip("-n", name, "link", "set", `bwn-${id}`, "up");
      await ip("-n", name, "link", "set", "lo", "up");
    } catch (error) {
      await namespace.remove();
      throw error;
    }
    return namespace;
  }

  /** The words that run a command inside the namespace. */
  get enter(): string[] {
    return ["nsenter", `--net=/run/netns/${this.name}`];
  }

  /** Deletes the namespace, and with it both ends of the pair. */
  async remove(): Promise<void> {
    await ip("netns", "del", this.name).catch(() => {});
  }
}

const CANDIDATES = ["198.51.100", "203.0.113", "192.0.2"];

/** A documentation /24 (RFC 5737) that no route on this machine covers. */
async function unusedSubnet(): Promise<string> {
  const routes = await ip("-4", "route", "show");
  const free = CANDIDATES.find((subnet) => !routes.includes(`${subnet}.`));
  if (!free) throw new Error(`every candidate subnet is routed here already:\n${routes}`);
  return free;
}

async function ip(...args: string[]): Promise<string> {
  const output = await new Deno.Command("ip", { args, stdout: "piped", stderr: "piped" }).output();
  if (!output.success) {
    throw new Error(`ip ${args.join(" ")}: ${new TextDecoder().decode(output.stderr).trim()}`);
  }
  return new TextDecoder().decode(output.stdout);
}
