// RFC 6962 section 2.1 Merkle trees: hashing, audit paths and consistency
// proofs, and their verification as written in RFC 9162 sections 2.1.3.2
// and 2.1.4.2.
#include "corridor/ledger/merkle.hpp"

#include <sodium.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace corridor::ledger {
namespace {

void ensure_sodium() {
  static const int status = sodium_init();
  if (status < 0) throw std::runtime_error("libsodium could not be initialised");
}

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

Hash sha256(std::string_view bytes) {
  ensure_sodium();
  Hash out{};
  crypto_hash_sha256(out.data(), reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  return out;
}

Hash leaf_hash(std::string_view entry) {
  ensure_sodium();
  crypto_hash_sha256_state state;
  crypto_hash_sha256_init(&state);
  const unsigned char prefix = 0x00;
  crypto_hash_sha256_update(&state, &prefix, 1);
  crypto_hash_sha256_update(&state, reinterpret_cast<const unsigned char*>(entry.data()), entry.size());
  Hash out{};
  crypto_hash_sha256_final(&state, out.data());
  return out;
}

Hash node_hash(const Hash& left, const Hash& right) {
  ensure_sodium();
  std::array<unsigned char, 65> buffer{};
  buffer[0] = 0x01;
  std::copy(left.begin(), left.end(), buffer.begin() + 1);
  std::copy(right.begin(), right.end(), buffer.begin() + 33);
  Hash out{};
  crypto_hash_sha256(out.data(), buffer.data(), buffer.size());
  return out;
}

Hash empty_root() { return sha256({}); }

std::string to_hex(const Hash& hash) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(64);
  for (auto b : hash) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 15]);
  }
  return out;
}

std::optional<Hash> hash_from_hex(std::string_view text) {
  if (text.size() != 64) return std::nullopt;
  auto value = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Hash out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const int hi = value(text[2 * i]);
    const int lo = value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi * 16 + lo);
  }
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
