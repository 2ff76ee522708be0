#include "input/threads.h"

#include <sched.h>

#include <charconv>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

namespace trace_analyze::input {
namespace {

bool ParseUint(std::string_view text, size_t* out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

}  // namespace

std::optional<size_t> CoresOfCpuMax(std::string_view cpu_max) {
  while (!cpu_max.empty() && (cpu_max.back() == '\n' || cpu_max.back() == ' ')) {
    cpu_max.remove_suffix(1);
  }
  const size_t space = cpu_max.find(' ');
  if (space == std::string_view::npos) return std::nullopt;
  const std::string_view quota_text = cpu_max.substr(0, space);
  if (quota_text == "max") return std::nullopt;
  size_t quota = 0;
  size_t period = 0;
  if (!ParseUint(quota_text, &quota) || !ParseUint(cpu_max.substr(space + 1), &period) ||
      quota == 0 || period == 0) {
    return std::nullopt;
  }
  return (quota + period - 1) / period;
}

size_t AvailableCores() {
  size_t cores = 0;
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) cores = static_cast<size_t>(CPU_COUNT(&set));
  if (cores == 0) cores = std::thread::hardware_concurrency();
  std::ifstream file("/sys/fs/cgroup/cpu.max");
  std::stringstream text;
  text << file.rdbuf();
  if (const std::optional<size_t> quota = CoresOfCpuMax(text.str()); quota && *quota < cores) {
    cores = *quota;
  }
  return cores == 0 ? 1 : cores;
}

}  // namespace trace_analyze::input
