// trace-analyze: finds latency bottlenecks in distributed traces.
#include <malloc.h>

#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  // Allocations of 4 MiB and more get their own mapping, returned to the
  // system when freed. glibc's default raises that threshold to the largest
  // such block freed so far (up to 32 MiB), after which the transient
  // buffers of a giant trace's analysis stay resident in the heap
  // (docs/performance.md, "Giant traces").
  mallopt(M_MMAP_THRESHOLD, 4 << 20);
  std::ios::sync_with_stdio(false);
  return trace_analyze::cli::RunCli(argc, argv, std::cout, std::cerr);
}
