#pragma once
// The stored Merkle tree: a NodeSource over the entries table (leaf hashes,
// level 0) and the nodes table (complete subtrees, levels >= 1), so that
// any RFC 6962 node costs O(log n) indexed lookups. Internal to the ledger
// library and its tests.
#include <cstdint>
#include <map>
#include <utility>

#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/merkle.hpp"
#include "corridor/ledger/sql.hpp"

namespace corridor::ledger {

class StoredTree final : public NodeSource {
 public:
  // The tree of the first `size` entries; the statements live as long as it.
  StoredTree(const sql::Database& db, std::uint64_t size);
  [[nodiscard]] std::uint64_t size() const override { return size_; }
  // Throws DamagedLedger when the row is missing or not a 32-byte hash.
  [[nodiscard]] Hash complete_subtree(unsigned level, std::uint64_t index) const override;

  // Reads the complete subtrees that the root of the first `size` entries
  // is made of (one per bit of `size`) in two queries, instead of one query
  // each when the root asks for them: on PostgreSQL every query is a round
  // trip. What is read or remembered is answered from memory after.
  void prefetch_root(std::uint64_t size);
  // A subtree just computed (and stored) by the caller.
  void remember(unsigned level, std::uint64_t index, const Hash& hash) { known_[{level, index}] = hash; }

 private:
  const sql::Database& db_;
  mutable sql::Statement leaf_;
  mutable sql::Statement node_;
  std::uint64_t size_;
  std::map<std::pair<unsigned, std::uint64_t>, Hash> known_;
};

struct Ledger::State {
  State(const std::filesystem::path& where, bool create) : path(where), db(sql::open(where.string(), create)) {}
  std::filesystem::path path;  // the file, or the PostgreSQL URI
  std::unique_ptr<sql::Database> db;
  LogInfo info;
};

// Hash <-> BLOB column.
inline std::string_view as_bytes(const Hash& hash) { return {reinterpret_cast<const char*>(hash.data()), hash.size()}; }

}  // namespace corridor::ledger
