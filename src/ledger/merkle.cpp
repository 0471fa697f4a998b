// RFC 6962 section 2.1 Merkle trees: hashing, audit paths and consistency
// proofs, and their verification as written in RFC 9162 sections 2.1.3.2
// and 2.1.4.2.
#include "corridor/ledger/merkle.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace corridor::ledger {
namespace {

bool is_power_of_two(std::uint64_t n) { return n != 0 && (n & (n - 1)) == 0; }

// RFC 6962 2.1.1: PATH(m, D[begin:end]) with m relative to begin.
void audit_path(const NodeSource& source, std::uint64_t m, std::uint64_t begin, std::uint64_t end,
                std::vector<Hash>& out) {
  const auto n = end - begin;
  if (n <= 1) return;
  const auto k = split_point(n);
  if (m < k) {
    audit_path(source, m, begin, begin + k, out);
    out.push_back(subtree_root(source, begin + k, end));
  } else {
    audit_path(source, m - k, begin + k, end, out);
    out.push_back(subtree_root(source, begin, begin + k));
  }
}

// RFC 6962 2.1.2: SUBPROOF(m, D[begin:end], b) with m relative to begin.
void subproof(const NodeSource& source, std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool complete,
              std::vector<Hash>& out) {
  const auto n = end - begin;
  if (m == n) {
    if (!complete) out.push_back(subtree_root(source, begin, end));
    return;
  }
  const auto k = split_point(n);
  if (m <= k) {
    subproof(source, m, begin, begin + k, complete, out);
    out.push_back(subtree_root(source, begin + k, end));
  } else {
    subproof(source, m - k, begin + k, end, false, out);
    out.push_back(subtree_root(source, begin, begin + k));
  }
}

}  // namespace

Hash leaf_hash(std::string_view entry) {
  const std::uint8_t prefix = 0x00;
  return crypto::Sha256().update(crypto::ByteView(&prefix, 1)).update(entry).finish();
}

Hash node_hash(const Hash& left, const Hash& right) {
  const std::uint8_t prefix = 0x01;
  return crypto::Sha256().update(crypto::ByteView(&prefix, 1)).update(left).update(right).finish();
}

Hash empty_root() { return crypto::sha256(std::string_view()); }

std::optional<Hash> hash_from_hex(std::string_view text) {
  const auto bytes = text.size() == 64 ? crypto::from_hex(text) : std::nullopt;
  if (!bytes) return std::nullopt;
  Hash out{};
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return out;
}

std::uint64_t split_point(std::uint64_t n) {
  if (n < 2) throw std::out_of_range("split_point: a tree of fewer than 2 leaves has no split");
  return std::bit_floor(n - 1);
}

Hash subtree_root(const NodeSource& source, std::uint64_t begin, std::uint64_t end) {
  if (begin > end || end > source.size()) throw std::out_of_range("subtree_root: range outside the tree");
  const auto n = end - begin;
  if (n == 0) return empty_root();
  if (is_power_of_two(n) && begin % n == 0) {
    return source.complete_subtree(static_cast<unsigned>(std::countr_zero(n)), begin / n);
  }
  if (auto cached = source.cached_range(begin, end)) return *cached;
  const auto k = split_point(n);
  const auto hash = node_hash(subtree_root(source, begin, begin + k), subtree_root(source, begin + k, end));
  source.cache_range(begin, end, hash);
  return hash;
}

std::vector<Hash> inclusion_path(const NodeSource& source, std::uint64_t index, std::uint64_t size) {
  if (index >= size || size > source.size()) {
    throw std::out_of_range("inclusion_path: leaf " + std::to_string(index) + " is not in a tree of size " +
                            std::to_string(size));
  }
  std::vector<Hash> out;
  audit_path(source, index, 0, size, out);
  return out;
}

std::vector<Hash> consistency_path(const NodeSource& source, std::uint64_t old_size, std::uint64_t new_size) {
  if (old_size > new_size || new_size > source.size()) {
    throw std::out_of_range("consistency_path: sizes " + std::to_string(old_size) + " and " + std::to_string(new_size) +
                            " do not fit a tree of size " + std::to_string(source.size()));
  }
  std::vector<Hash> out;
  if (old_size == 0 || old_size == new_size) return out;
  subproof(source, old_size, 0, new_size, true, out);
  return out;
}

bool verify_inclusion(const Hash& leaf, std::uint64_t index, std::uint64_t size, const std::vector<Hash>& path,
                      const Hash& root) {
  // RFC 9162 2.1.3.2, steps 1-5.
  if (index >= size) return false;
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash r = leaf;
  for (const auto& p : path) {
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      r = node_hash(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = node_hash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

bool verify_consistency(std::uint64_t old_size, std::uint64_t new_size, const Hash& old_root, const Hash& new_root,
                        const std::vector<Hash>& path) {
  if (old_size > new_size) return false;
  if (old_size == new_size) return path.empty() && old_root == new_root;
  if (old_size == 0) return path.empty() && old_root == empty_root();
  // RFC 9162 2.1.4.2, steps 1-7.
  if (path.empty()) return false;
  std::vector<Hash> proof;
  proof.reserve(path.size() + 1);
  if (is_power_of_two(old_size)) proof.push_back(old_root);
  proof.insert(proof.end(), path.begin(), path.end());
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Hash fr = proof.front();
  Hash sr = proof.front();
  for (std::size_t i = 1; i < proof.size(); ++i) {
    const auto& c = proof[i];
    if (sn == 0) return false;
    if ((fn & 1) == 1 || fn == sn) {
      fr = node_hash(c, fr);
      sr = node_hash(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = node_hash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == old_root && sr == new_root && sn == 0;
}

void MemoryTree::append(const Hash& leaf) {
  edge_.clear();
  if (levels_.empty()) levels_.emplace_back();
  levels_[0].push_back(leaf);
  // Every subtree that this leaf completes: RFC 6962 nodes of 2^l leaves.
  for (std::size_t level = 0; levels_[level].size() % 2 == 0; ++level) {
    if (level + 1 == levels_.size()) levels_.emplace_back();
    const auto& below = levels_[level];
    const auto hash = node_hash(below[below.size() - 2], below.back());
    levels_[level + 1].push_back(hash);
  }
}

Hash MemoryTree::complete_subtree(unsigned level, std::uint64_t index) const {
  if (level >= levels_.size() || index >= levels_[level].size()) {
    throw std::out_of_range("MemoryTree: no complete subtree at level " + std::to_string(level) + ", index " +
                            std::to_string(index));
  }
  return levels_[level][index];
}

std::optional<Hash> MemoryTree::cached_range(std::uint64_t begin, std::uint64_t end) const {
  if (end != size()) return std::nullopt;
  for (const auto& [b, hash] : edge_) {
    if (b == begin) return hash;
  }
  return std::nullopt;
}

void MemoryTree::cache_range(std::uint64_t begin, std::uint64_t end, const Hash& hash) const {
  if (end == size()) edge_.emplace_back(begin, hash);
}

Hash MemoryTree::root(std::uint64_t size) const { return subtree_root(*this, 0, size); }

}  // namespace corridor::ledger
