/*
 * A stand-in for libnvidia-ml.so.1 with NVML's real struct definitions, answering with the values
 * captured on an NVIDIA H200 under load (tests/fixtures/nvidia/h200-driver580/load/nvml.json).
 * FAKE_NVML_MODE picks a behaviour: "load" (default), "init-fail", "wsl" (no per-process memory,
 * no memory_v2, temperature not supported, power UNKNOWN), "memory-fail".
 */
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;
typedef struct { unsigned long long total, free, used; } nvmlMemory_t;
typedef struct {
  unsigned int version;
  unsigned long long total, reserved, free, used;
} nvmlMemory_v2_t;
typedef struct { unsigned int gpu, memory; } nvmlUtilization_t;
typedef struct {
  unsigned int pid;
  unsigned long long usedGpuMemory;
  unsigned int gpuInstanceId, computeInstanceId;
} nvmlProcessInfo_t;

static struct nvmlDevice_st { int index; } device0 = {0};

static const char *mode(void) {
  const char *value = getenv("FAKE_NVML_MODE");
  return value ? value : "load";
}
static int is(const char *name) { return strcmp(mode(), name) == 0; }

nvmlReturn_t nvmlInit_v2(void) { return is("init-fail") ? 9 : 0; }
nvmlReturn_t nvmlShutdown(void) { return 0; }
const char *nvmlErrorString(nvmlReturn_t code) {
  switch (code) {
    case 3: return "Not Supported";
    case 7: return "Insufficient Size";
    case 9: return "Driver Not Loaded";
    case 15: return "GPU is lost";
    case 999: return "Unknown Error";
    default: return "Some Error";
  }
}
nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
  strncpy(version, "580.159.04", length);
  return 0;
}
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) { *count = 1; return 0; }
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  if (index != 0) return 2;
  *device = &device0;
  return 0;
}
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
  strncpy(name, "NVIDIA H200", length);
  return 0;
}
nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
  strncpy(uuid, "GPU-318da158-5148-7bd2-79cf-e1b0379fd5c0", length);
  return 0;
}
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
  if (is("memory-fail")) return 15;
  memory->total = 150754820096ULL;
  memory->free = 4111597568ULL;
  memory->used = 146643222528ULL;
  return 0;
}
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
  if (is("wsl")) return 3;
  if (is("memory-fail")) return 15;
  if (memory->version != (sizeof(nvmlMemory_v2_t) | (2 << 24))) return 25; /* ARGUMENT_VERSION_MISMATCH */
  memory->total = 150754820096ULL;
  memory->reserved = 644743168ULL;
  memory->free = 4111597568ULL;
  memory->used = 145998479360ULL; /* 139235 MiB, as nvidia-smi reports */
  return 0;
}
nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *rates) {
  rates->gpu = 100;
  rates->memory = 23;
  return 0;
}
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensor, unsigned int *temperature) {
  if (is("wsl")) return 3;
  *temperature = 60;
  return 0;
}
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *milliwatts) {
  if (is("wsl")) return 999;
  *milliwatts = 691746;
  return 0;
}
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *milliwatts) {
  *milliwatts = 700000;
  return 0;
}
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *count,
                                                     nvmlProcessInfo_t *infos) {
  const unsigned int present = is("wsl") ? 2 : 1;
  if (*count < present) { *count = present; return 7; }
  *count = present;
  infos[0].pid = 486;
  infos[0].usedGpuMemory = is("wsl") ? 0xFFFFFFFFFFFFFFFFULL : 145989042176ULL;
  infos[0].gpuInstanceId = infos[0].computeInstanceId = 0xFFFFFFFF;
  if (present > 1) {
    infos[1].pid = 901;
    infos[1].usedGpuMemory = 0xFFFFFFFFFFFFFFFFULL;
    infos[1].gpuInstanceId = infos[1].computeInstanceId = 0xFFFFFFFF;
  }
  return 0;
}
