// RFC 6962 / RFC 9162 Merkle trees: the published test vectors, roots
// against a brute-force MTH, and exhaustive inclusion and consistency
// proofs that verify, and fail once anything about them is wrong.
#include "corridor/ledger/merkle.hpp"

#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor::ledger {
namespace {

using nlohmann::json;

json vectors() {
  std::ifstream in(testing::fixture("ledger/rfc6962-vectors.json"));
  return json::parse(in);
}

std::string unhex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  return out;
}

Hash h(const std::string& hex) { return hash_from_hex(hex).value(); }

// MTH straight from the RFC 6962 2.1 definition, over the entries.
Hash brute_mth(const std::vector<std::string>& d, std::size_t begin, std::size_t end) {
  const auto n = end - begin;
  if (n == 0) return crypto::sha256("");
  if (n == 1) return crypto::sha256(std::string(1, '\0') + d[begin]);
  std::size_t k = 1;
  while (k * 2 < n) k *= 2;
  const auto l = brute_mth(d, begin, begin + k);
  const auto r = brute_mth(d, begin + k, end);
  std::string buffer(1, '\1');
  buffer.append(reinterpret_cast<const char*>(l.data()), 32).append(reinterpret_cast<const char*>(r.data()), 32);
  return crypto::sha256(buffer);
}

std::vector<std::string> entries(std::size_t n) {
  std::vector<std::string> d;
  for (std::size_t i = 0; i < n; ++i) d.push_back("entry " + std::to_string(i * 7919 % 1000003));
  return d;
}

MemoryTree tree_of(const std::vector<std::string>& d) {
  MemoryTree t;
  for (const auto& e : d) t.append(leaf_hash(e));
  return t;
}

Hash flipped(Hash x, std::size_t byte = 0) {
  x[byte % 32] ^= 0x01;
  return x;
}

TEST(Merkle, HashesHaveTheRfc6962Prefixes) {
  EXPECT_EQ(crypto::hex(empty_root()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(leaf_hash("abc"), crypto::sha256(std::string("\0abc", 4)));
  const auto a = leaf_hash("a");
  const auto b = leaf_hash("b");
  std::string joined(1, '\1');
  joined.append(reinterpret_cast<const char*>(a.data()), 32).append(reinterpret_cast<const char*>(b.data()), 32);
  EXPECT_EQ(node_hash(a, b), crypto::sha256(joined));
  EXPECT_EQ(hash_from_hex(crypto::hex(a)), a);
  EXPECT_FALSE(hash_from_hex("abc"));
  EXPECT_FALSE(hash_from_hex(std::string(64, 'g')));
}

TEST(Merkle, SplitIsTheLargestPowerOfTwoBelowN) {
  const std::vector<std::pair<std::uint64_t, std::uint64_t>> cases = {
      {2, 1}, {3, 2}, {4, 2}, {5, 4}, {8, 4}, {9, 8}, {1000, 512}, {1ULL << 40, 1ULL << 39}};
  for (const auto& [n, k] : cases) EXPECT_EQ(split_point(n), k) << n;
  EXPECT_THROW((void)split_point(1), std::out_of_range);
}

TEST(Merkle, MatchesThePublishedVectors) {
  const auto v = vectors();
  std::vector<std::string> d;
  for (const auto& leaf : v["leaves"]) d.push_back(unhex(leaf.get<std::string>()));
  const auto t = tree_of(d);
  for (std::size_t n = 0; n <= d.size(); ++n) {
    EXPECT_EQ(crypto::hex(t.root(n)), v["roots"][n].get<std::string>()) << "size " << n;
    EXPECT_EQ(brute_mth(d, 0, n), t.root(n)) << "size " << n;
  }
  for (const auto& p : v["inclusion"]) {
    const auto index = p["index"].get<std::uint64_t>();
    const auto size = p["tree_size"].get<std::uint64_t>();
    std::vector<Hash> expected;
    for (const auto& x : p["path"]) expected.push_back(h(x));
    EXPECT_EQ(inclusion_path(t, index, size), expected) << index << "/" << size;
    EXPECT_TRUE(verify_inclusion(leaf_hash(d[index]), index, size, expected, t.root(size)));
  }
  for (const auto& p : v["consistency"]) {
    const auto m = p["old_size"].get<std::uint64_t>();
    const auto n = p["new_size"].get<std::uint64_t>();
    std::vector<Hash> expected;
    for (const auto& x : p["path"]) expected.push_back(h(x));
    EXPECT_EQ(consistency_path(t, m, n), expected) << m << "->" << n;
    EXPECT_TRUE(verify_consistency(m, n, t.root(m), t.root(n), expected));
  }
}

TEST(Merkle, RootsEqualBruteForceForEverySizeUpTo300) {
  const auto d = entries(300);
  MemoryTree t;
  for (std::size_t n = 1; n <= d.size(); ++n) {
    t.append(leaf_hash(d[n - 1]));
    ASSERT_EQ(t.root(), brute_mth(d, 0, n)) << "size " << n;
  }
  for (std::size_t m = 0; m <= d.size(); ++m) ASSERT_EQ(t.root(m), brute_mth(d, 0, m)) << "prefix " << m;
}

// A root does not name its size: the signed head binds the two, so a proof
// checked against another size is checked against that size's root.
TEST(Merkle, EveryInclusionProofUpTo300VerifiesAndNothingWrongDoes) {
  const auto d = entries(301);
  std::vector<Hash> roots;
  for (std::uint64_t n = 0; n <= d.size(); ++n) roots.push_back(brute_mth(d, 0, n));
  MemoryTree t;  // grown to size n, so that its right edge is cached
  std::uint64_t checked = 0;
  for (std::uint64_t n = 1; n <= 300; ++n) {
    t.append(leaf_hash(d[n - 1]));
    const auto& root = roots[n];
    const auto& bigger = roots[n + 1];
    const auto& smaller = roots[n - 1];
    for (std::uint64_t i = 0; i < n; ++i) {
      const auto leaf = leaf_hash(d[i]);
      const auto path = inclusion_path(t, i, n);
      ASSERT_TRUE(verify_inclusion(leaf, i, n, path, root)) << i << "/" << n;
      // Wrong leaf, index, size, root; every altered, dropped or extra hash.
      ASSERT_FALSE(verify_inclusion(leaf_hash(d[(i + 1) % d.size()]), i, n, path, root));
      if (i > 0) {
        ASSERT_FALSE(verify_inclusion(leaf, i - 1, n, path, root)) << i << "/" << n;
      }
      if (i + 1 < n) {
        ASSERT_FALSE(verify_inclusion(leaf, i + 1, n, path, root)) << i << "/" << n;
      }
      ASSERT_FALSE(verify_inclusion(leaf, n, n, path, root));
      ASSERT_FALSE(verify_inclusion(leaf, i, n + 1, path, bigger)) << i << "/" << n;
      if (i < n - 1) {
        ASSERT_FALSE(verify_inclusion(leaf, i, n - 1, path, smaller)) << i << "/" << n;
      }
      ASSERT_FALSE(verify_inclusion(leaf, i, n, path, flipped(root, i)));
      for (std::size_t k = 0; k < path.size(); ++k) {
        auto bad = path;
        bad[k] = flipped(bad[k], k + i);
        ASSERT_FALSE(verify_inclusion(leaf, i, n, bad, root)) << i << "/" << n << " element " << k;
      }
      if (!path.empty()) {
        ASSERT_FALSE(verify_inclusion(leaf, i, n, {path.begin(), path.end() - 1}, root));
      }
      auto longer = path;
      longer.push_back(root);
      ASSERT_FALSE(verify_inclusion(leaf, i, n, longer, root));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 300u * 301u / 2u);
}

TEST(Merkle, AuditPathsAreTheRfcDefinitionOverBruteForceHashes) {
  const auto d = entries(70);
  const auto t = tree_of(d);
  // PATH(m, D[n]) written out with the brute-force MTH.
  std::function<void(std::size_t, std::size_t, std::size_t, std::vector<Hash>&)> path =
      [&](std::size_t m, std::size_t b, std::size_t e, std::vector<Hash>& out) {
        if (e - b <= 1) return;
        std::size_t k = 1;
        while (k * 2 < e - b) k *= 2;
        if (m < k) {
          path(m, b, b + k, out);
          out.push_back(brute_mth(d, b + k, e));
        } else {
          path(m - k, b + k, e, out);
          out.push_back(brute_mth(d, b, b + k));
        }
      };
  for (std::size_t n = 1; n <= d.size(); ++n) {
    for (std::size_t i = 0; i < n; ++i) {
      std::vector<Hash> expected;
      path(i, 0, n, expected);
      ASSERT_EQ(inclusion_path(t, i, n), expected) << i << "/" << n;
    }
  }
}

TEST(Merkle, EveryConsistencyProofUpTo100VerifiesAndFailsWhenAltered) {
  const auto d = entries(101);
  const auto t = tree_of(d);
  std::uint64_t checked = 0;
  for (std::uint64_t n = 1; n <= 100; ++n) {
    const auto new_root = t.root(n);
    for (std::uint64_t m = 0; m <= n; ++m) {
      const auto old_root = t.root(m);
      const auto path = consistency_path(t, m, n);
      ASSERT_TRUE(verify_consistency(m, n, old_root, new_root, path)) << m << "->" << n;
      ASSERT_FALSE(verify_consistency(m, n, flipped(old_root), new_root, path)) << m << "->" << n;
      if (m > 0) {  // every tree extends the empty one
        ASSERT_FALSE(verify_consistency(m, n, old_root, flipped(new_root), path)) << m << "->" << n;
      }
      ASSERT_FALSE(verify_consistency(n + 1, n, old_root, new_root, path));
      if (m == 0 || m == n) {
        EXPECT_TRUE(path.empty());
        ASSERT_FALSE(verify_consistency(m, n, old_root, new_root, {new_root}));
        ++checked;
        continue;
      }
      ASSERT_FALSE(verify_consistency(m, n, old_root, new_root, {})) << m << "->" << n;
      ASSERT_FALSE(verify_consistency(m - 1, n, t.root(m - 1), new_root, path)) << m << "->" << n;
      ASSERT_FALSE(verify_consistency(m + 1, n, t.root(m + 1), new_root, path)) << m << "->" << n;
      ASSERT_FALSE(verify_consistency(m, n + 1, old_root, t.root(n + 1), path)) << m << "->" << n;
      if (m < n - 1) {
        ASSERT_FALSE(verify_consistency(m, n - 1, old_root, t.root(n - 1), path)) << m << "->" << n;
      }
      for (std::size_t k = 0; k < path.size(); ++k) {
        auto bad = path;
        bad[k] = flipped(bad[k], k + m);
        ASSERT_FALSE(verify_consistency(m, n, old_root, new_root, bad)) << m << "->" << n << " element " << k;
      }
      ASSERT_FALSE(verify_consistency(m, n, old_root, new_root, {path.begin(), path.end() - 1})) << m << "->" << n;
      auto longer = path;
      longer.push_back(new_root);
      ASSERT_FALSE(verify_consistency(m, n, old_root, new_root, longer)) << m << "->" << n;
      // A tree that differs in one old leaf is not consistent with the new one.
      auto forked = d;
      forked[m - 1] += "!";
      ASSERT_FALSE(verify_consistency(m, n, brute_mth(forked, 0, m), new_root, path)) << m << "->" << n;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 100u * 103u / 2u);
}

TEST(Merkle, OutOfRangeRequestsThrow) {
  const auto t = tree_of(entries(10));
  EXPECT_THROW((void)inclusion_path(t, 10, 10), std::out_of_range);
  EXPECT_THROW((void)inclusion_path(t, 0, 11), std::out_of_range);
  EXPECT_THROW((void)consistency_path(t, 5, 4), std::out_of_range);
  EXPECT_THROW((void)consistency_path(t, 5, 11), std::out_of_range);
  EXPECT_THROW((void)t.complete_subtree(4, 0), std::out_of_range);
  EXPECT_FALSE(verify_inclusion(leaf_hash("x"), 0, 0, {}, empty_root()));
}

TEST(Merkle, ProofsInALargeTreeStayShort) {
  MemoryTree t;
  for (std::uint64_t i = 0; i < 100000; ++i) t.append(leaf_hash("entry " + std::to_string(i)));
  const auto root = t.root();
  for (std::uint64_t i : {0ULL, 1ULL, 65535ULL, 65536ULL, 99998ULL, 99999ULL}) {
    const auto path = inclusion_path(t, i, t.size());
    EXPECT_LE(path.size(), 17u);
    EXPECT_TRUE(verify_inclusion(leaf_hash("entry " + std::to_string(i)), i, t.size(), path, root));
  }
  for (std::uint64_t m : {1ULL, 777ULL, 65536ULL, 99999ULL}) {
    EXPECT_TRUE(verify_consistency(m, t.size(), t.root(m), root, consistency_path(t, m, t.size())));
  }
}

}  // namespace
}  // namespace corridor::ledger
