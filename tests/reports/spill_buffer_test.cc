// The spill buffer: bytes in memory up to a limit, then in an unlinked
// temporary file, copied out exactly; failures surface as errors.
#include "reports/spill_buffer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

#include "tests/testing/scoped_env.h"
#include "tests/testing/temp_dir.h"

namespace trace_analyze::testing {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

// Bytes of every value, NULs included, in pieces of varying sizes.
std::string Piece(size_t i) {
  std::string out(1 + (i * 37) % 700, '\0');
  for (size_t k = 0; k < out.size(); ++k) out[k] = static_cast<char>((i * 131 + k * 7) % 256);
  return out;
}

std::string CopyOut(const reports::SpillBuffer& spill) {
  std::ostringstream out;
  const Status copied = spill.CopyTo(out);
  EXPECT_TRUE(copied.ok()) << copied.error().message;
  return out.str();
}

TEST(SpillBufferTest, SmallContentStaysInMemory) {
  TempDir dir;
  const ScopedTmpdir tmpdir(dir.path().string());
  reports::SpillBuffer spill(1024);
  EXPECT_EQ(CopyOut(spill), "");
  spill.Append("hello, ");
  spill.Append("");
  spill.Append("world\n");
  EXPECT_FALSE(spill.spilled());
  EXPECT_EQ(spill.size(), 13u);
  EXPECT_EQ(CopyOut(spill), "hello, world\n");
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(SpillBufferTest, PastTheLimitGoesToAnUnlinkedFileAndCopiesOutExactly) {
  TempDir dir;
  const ScopedTmpdir tmpdir(dir.path().string());
  reports::SpillBuffer spill(4096);
  std::string expected;
  for (size_t i = 0; i < 2000; ++i) {
    const std::string piece = Piece(i);
    spill.Append(piece);
    expected += piece;
  }
  const std::string big(10000, 'x');  // alone larger than the limit
  spill.Append(big);
  expected += big;
  spill.Append("tail");
  expected += "tail";
  ASSERT_TRUE(spill.status().ok()) << spill.status().error().message;
  EXPECT_TRUE(spill.spilled());
  EXPECT_EQ(spill.size(), expected.size());
  EXPECT_EQ(CopyOut(spill), expected);
  EXPECT_EQ(CopyOut(spill), expected);  // copying out does not consume
  // The file was unlinked when made: nothing to clean up, however the run ends.
  EXPECT_TRUE(fs::is_empty(dir.path()));
}

TEST(SpillBufferTest, AMissingTemporaryFolderIsAnError) {
  TempDir dir;
  const std::string missing = (dir.path() / "gone").string();
  const ScopedTmpdir tmpdir(missing);
  reports::SpillBuffer spill(16);
  spill.Append("a few bytes more than sixteen");
  ASSERT_FALSE(spill.status().ok());
  EXPECT_THAT(spill.status().error().message, HasSubstr("cannot create a temporary file"));
  EXPECT_THAT(spill.status().error().message, HasSubstr(missing));
  std::ostringstream out;
  EXPECT_FALSE(spill.CopyTo(out).ok());
  EXPECT_EQ(out.str(), "");  // nothing half-copied
}

TEST(SpillBufferTest, AFullDiskIsAnError) {
  TempDir dir;
  const ScopedTmpdir tmpdir(dir.path().string());
  reports::SpillBuffer spill(1024);
  {
    const ScopedFileSizeLimit limit(64 << 10);
    for (size_t i = 0; i < 1000; ++i) spill.Append(Piece(i));
  }
  ASSERT_FALSE(spill.status().ok());
  EXPECT_THAT(spill.status().error().message, HasSubstr("cannot write a temporary file"));
  std::ostringstream out;
  EXPECT_FALSE(spill.CopyTo(out).ok());
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace trace_analyze::testing
