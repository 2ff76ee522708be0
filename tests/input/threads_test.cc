#include "input/threads.h"

#include <gtest/gtest.h>

#include <thread>

namespace trace_analyze::input {
namespace {

TEST(ThreadsTest, CgroupQuotaRoundsUpToWholeCores) {
  EXPECT_EQ(CoresOfCpuMax("200000 100000\n"), 2u);
  EXPECT_EQ(CoresOfCpuMax("150000 100000"), 2u);
  EXPECT_EQ(CoresOfCpuMax("50000 100000"), 1u);
  EXPECT_EQ(CoresOfCpuMax("max 100000\n"), std::nullopt);  // no quota
  EXPECT_EQ(CoresOfCpuMax(""), std::nullopt);
  EXPECT_EQ(CoresOfCpuMax("lots 100000"), std::nullopt);
  EXPECT_EQ(CoresOfCpuMax("100000 0"), std::nullopt);
}

TEST(ThreadsTest, AvailableCoresIsAtLeastOneAndAtMostTheMachine) {
  const size_t cores = AvailableCores();
  EXPECT_GE(cores, 1u);
  if (std::thread::hardware_concurrency() > 0) {
    EXPECT_LE(cores, std::thread::hardware_concurrency());
  }
}

}  // namespace
}  // namespace trace_analyze::input
