// trace-analyze: finds latency bottlenecks in distributed traces.
#include <iostream>

#include "cli/cli.h"

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  return trace_analyze::cli::RunCli(argc, argv, std::cout, std::cerr);
}
