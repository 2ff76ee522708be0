#include "analyzer/parameterize.h"

#include <gtest/gtest.h>

namespace trace_analyze::analyzer {
namespace {

TEST(ParameterizeTest, ReplacesValuesNotWords) {
  EXPECT_EQ(Parameterize("GET /users/42/orders"), "GET /users/{n}/orders");
  EXPECT_EQ(Parameterize("GET /v2/items/0a1b2c3d4e5f6a7b"), "GET /v2/items/{id}");
  EXPECT_EQ(Parameterize("/u/123e4567-e89b-12d3-a456-426614174000/x"), "/u/{uuid}/x");
  EXPECT_EQ(Parameterize("SELECT * FROM t WHERE name = 'bob' AND id = 7"),
            "SELECT * FROM t WHERE name = ? AND id = {n}");
  EXPECT_EQ(Parameterize("SELECT a FROM t WHERE id IN (1, 2, 3)"),
            "SELECT a FROM t WHERE id IN ({n})");
  EXPECT_EQ(Parameterize("SELECT a FROM t WHERE s IN ('a', 'b')"),
            "SELECT a FROM t WHERE s IN (?)");
  // Letters are kept: versions, words with digits, short hex-looking words.
  EXPECT_EQ(Parameterize("utf8 v2 beef cafe"), "utf8 v2 beef cafe");
  EXPECT_EQ(Parameterize("deadbeef"), "deadbeef");  // hex needs a digit
  // A UUID starts a word and ends one; an 8-digit group alone is an id.
  EXPECT_EQ(Parameterize("k=123e4567-e89b-12d3-a456-426614174000"), "k={uuid}");
  EXPECT_EQ(Parameterize("123e4567-e89b-12d3-a456-426614174000x"),
            "{id}-e89b-12d3-a456-426614174000x");
  EXPECT_EQ(Parameterize("x123e4567-e89b-12d3-a456-426614174000"), "x123e4567-e89b-12d3-a456-{n}");
  EXPECT_EQ(Parameterize("12345678-abc"), "{n}-abc");
  // An unterminated quote is plain text.
  EXPECT_EQ(Parameterize("name = 'bob"), "name = 'bob");
  EXPECT_EQ(Parameterize(""), "");
}

TEST(ParameterizeTest, ValueTokens) {
  const std::string_view text = "GET /users/12345?ref='abcdef' id=12";
  std::vector<std::string_view> tokens;
  ExtractValueTokens(text, &tokens);
  EXPECT_EQ(tokens, (std::vector<std::string_view>{"12345", "abcdef"}));
  // Views into the text (a literal without its quotes), not copies.
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].data(), text.data() + text.find("12345"));
  EXPECT_EQ(tokens[1].data(), text.data() + text.find("abcdef"));
}

TEST(ParameterizeTest, StableHashIsFnv1a64) {
  EXPECT_EQ(StableHash(""), "cbf29ce484222325");
  EXPECT_EQ(StableHash("a"), "af63dc4c8601ec8c");
}

}  // namespace
}  // namespace trace_analyze::analyzer
