// How many threads reading may use by default: the cores this process may
// run on, as the scheduler and the container see them.
#ifndef TRACE_ANALYZE_INPUT_THREADS_H_
#define TRACE_ANALYZE_INPUT_THREADS_H_

#include <cstddef>
#include <optional>
#include <string_view>

namespace trace_analyze::input {

// CPUs in this process's affinity mask (sched_getaffinity), capped by the
// cgroup v2 CPU quota (/sys/fs/cgroup/cpu.max, rounded up); at least 1.
size_t AvailableCores();

// The CPUs a cgroup v2 `cpu.max` file allows ("200000 100000" -> 2,
// "150000 100000" -> 2, "max 100000" -> nullopt: no quota); nullopt for text
// it does not understand.
std::optional<size_t> CoresOfCpuMax(std::string_view cpu_max);

}  // namespace trace_analyze::input

#endif  // TRACE_ANALYZE_INPUT_THREADS_H_
