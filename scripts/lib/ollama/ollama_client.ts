/** A model Ollama holds in memory, from `GET /api/ps`. */
export interface OllamaModel {
  name: string;
  /** Bytes of the model in VRAM. */
  sizeVram: number;
  /** When Ollama will unload it by itself (its keep-alive running out). */
  expiresAt: string | null;
}

/**
 * Ollama's HTTP API: which models are loaded, and unloading one (`keep_alive: 0`, which lets a
 * request in progress finish first).
 */
export class OllamaClient {
  constructor(readonly url: string, readonly timeoutMs = 2_000) {}

  /** The models in memory. Throws when Ollama does not answer. */
  async loadedModels(): Promise<OllamaModel[]> {
    const body = await this.#request("GET", "/api/ps");
    const models = (body as { models?: unknown[] }).models ?? [];
    return models.map((model) => {
      const entry = model as {
        name?: string;
        model?: string;
        size_vram?: number;
        expires_at?: string;
      };
      return {
        name: entry.name ?? entry.model ?? "",
        sizeVram: entry.size_vram ?? 0,
        expiresAt: entry.expires_at ?? null,
      };
    }).filter((model) => model.name !== "");
  }

  /** Asks Ollama to unload a model now. */
  async unload(model: string): Promise<void> {
    await this.#request("POST", "/api/generate", { model, keep_alive: 0 });
  }

  async #request(method: string, path: string, body?: unknown): Promise<unknown> {
    const url = new URL(path, this.url);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Error(
        `Ollama at ${this.url} did not answer ${method} ${path}: ${(error as Error).message}`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      throw new Error(
        `Ollama answered ${response.status} to ${method} ${path}: ${text.slice(0, 200)}`,
      );
    }
    return text.trim() ? JSON.parse(text.trim().split("\n").at(-1)!) : {};
  }
}
