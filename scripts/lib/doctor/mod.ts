/**
 * `deno task doctor`: diagnoses the Docker engine, WSL2, the NVIDIA stack, the configured probes
 * and breakwater's own setup.
 * @module
 */
export * from "./checks.ts";
export * from "./doctor_check.ts";
export * from "./run_doctor.ts";
export * from "./self_checks.ts";
export * from "./wsl_facts.ts";
