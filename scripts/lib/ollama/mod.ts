/**
 * The Ollama adapter: which models are loaded and how much VRAM each holds, and unloading one.
 * @module
 */
export * from "./ollama_client.ts";
