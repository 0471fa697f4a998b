#pragma once
// Merkle Tree Hash, audit paths and consistency proofs exactly as in
// RFC 6962 section 2.1 (restated in RFC 9162 section 2.1):
//
//   MTH({})       = SHA-256()
//   MTH({d(0)})   = SHA-256(0x00 || d(0))                      (leaf hash)
//   MTH(D[n])     = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])) (node hash)
//
// where k is the largest power of two smaller than n. Proofs are generated
// from a NodeSource, anything that can return the root of a complete,
// aligned subtree (2^level leaves starting at index * 2^level) in O(1): the
// SQLite store keeps those nodes in a table as they become complete, the
// in-memory MemoryTree in vectors. Every node of an RFC 6962 tree is either
// such a complete subtree or lies on the right edge of the tree, so any node
// costs O(log n) lookups.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corridor/crypto/crypto.hpp"

namespace corridor::ledger {

using Hash = crypto::Digest;

// SHA-256(0x00 || entry): RFC 6962 section 2.1 leaf hash.
Hash leaf_hash(std::string_view entry);
// SHA-256(0x01 || left || right): RFC 6962 section 2.1 interior node hash.
Hash node_hash(const Hash& left, const Hash& right);
// MTH of the empty tree: SHA-256 of the empty string.
Hash empty_root();

// From lowercase hex (crypto::hex writes it); nullopt unless exactly 64 hex
// digits.
std::optional<Hash> hash_from_hex(std::string_view text);

// The largest power of two strictly smaller than n (n >= 2): RFC 6962's k.
std::uint64_t split_point(std::uint64_t n);

// Roots of complete, aligned subtrees of a tree of size() leaves.
class NodeSource {
 public:
  virtual ~NodeSource() = default;
  [[nodiscard]] virtual std::uint64_t size() const = 0;
  // MTH(D[index * 2^level : (index + 1) * 2^level]); level 0 is a leaf hash.
  // Only called for subtrees inside [0, size()).
  [[nodiscard]] virtual Hash complete_subtree(unsigned level, std::uint64_t index) const = 0;
  // Optional memo for MTH(D[begin:end]) of ranges that are not complete
  // subtrees; the default remembers nothing.
  [[nodiscard]] virtual std::optional<Hash> cached_range(std::uint64_t /*begin*/, std::uint64_t /*end*/) const {
    return std::nullopt;
  }
  virtual void cache_range(std::uint64_t /*begin*/, std::uint64_t /*end*/, const Hash& /*hash*/) const {}
};

// MTH(D[begin:end]) for 0 <= begin <= end <= source.size(), following the
// RFC 6962 recursion and looking complete aligned subtrees up.
Hash subtree_root(const NodeSource& source, std::uint64_t begin, std::uint64_t end);

// PATH(m, D[n]) of RFC 6962 section 2.1.1: the audit path of leaf `index`
// in the tree of the first `size` leaves, deepest sibling first. Throws
// std::out_of_range unless index < size <= source.size().
std::vector<Hash> inclusion_path(const NodeSource& source, std::uint64_t index, std::uint64_t size);

// PROOF(m, D[n]) of RFC 6962 section 2.1.2 (SUBPROOF with b = true), for
// 0 < old_size <= new_size <= source.size(); empty when old_size == new_size
// or old_size == 0. Throws std::out_of_range otherwise.
std::vector<Hash> consistency_path(const NodeSource& source, std::uint64_t old_size, std::uint64_t new_size);

// RFC 9162 section 2.1.3.2: does `path` prove that `leaf` is leaf `index`
// of the tree of `size` leaves whose root is `root`?
bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size, const std::vector<Hash>& path,
                      const Hash& root);

// RFC 9162 section 2.1.4.2: does `path` prove that the tree of old_size
// leaves with old_root is a prefix of the tree of new_size leaves with
// new_root? Equal sizes need an empty path and equal roots; old_size 0 needs
// an empty path and old_root = empty_root().
bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root, const Hash& new_root,
                        const std::vector<Hash>& path);

// A whole tree in memory: every complete subtree, level by level. Used to
// recompute a stored log from its entries, and by tests.
class MemoryTree final : public NodeSource {
 public:
  void append(const Hash& leaf);
  [[nodiscard]] std::uint64_t size() const override { return levels_.empty() ? 0 : levels_[0].size(); }
  [[nodiscard]] Hash complete_subtree(unsigned level, std::uint64_t index) const override;
  [[nodiscard]] std::optional<Hash> cached_range(std::uint64_t begin, std::uint64_t end) const override;
  void cache_range(std::uint64_t begin, std::uint64_t end, const Hash& hash) const override;
  // MTH of the first `size` leaves (default: all). Ranges ending at the
  // current size are cached, so repeated proofs against it stay cheap.
  [[nodiscard]] Hash root(std::uint64_t size) const;
  [[nodiscard]] Hash root() const { return root(size()); }
  // levels()[l][i] = complete_subtree(l, i).
  [[nodiscard]] const std::vector<std::vector<Hash>>& levels() const noexcept { return levels_; }

 private:
  std::vector<std::vector<Hash>> levels_;
  // Roots of D[begin:size()] (the right edge), keyed by begin; not thread-safe.
  mutable std::vector<std::pair<std::uint64_t, Hash>> edge_;
};

}  // namespace corridor::ledger
