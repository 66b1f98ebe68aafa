/**
 * The GPU watchdog: readers (NVML over FFI, nvidia-smi, dcgm-exporter), VRAM attribution to
 * containers, the pure pressure policy and its loop.
 * @module
 */
export * from "./attribution.ts";
export * from "./dcgm_reader.ts";
export * from "./dcgm_text.ts";
export * from "./gpu_reading.ts";
export * from "./gpu_watchdog.ts";
export * from "./nvidia_smi_csv.ts";
export * from "./nvidia_smi_reader.ts";
export * from "./nvml_library.ts";
export * from "./nvml_reader.ts";
export * from "./nvml_structs.ts";
export * from "./observe_gpu.ts";
export * from "./platform.ts";
export * from "./pressure_policy.ts";
export * from "./process_containers.ts";
export * from "./select_reader.ts";
export * from "./watch_state.ts";
