#pragma once
// The stored Merkle tree: a NodeSource over the entries table (leaf hashes,
// level 0) and the nodes table (complete subtrees, levels >= 1), so that
// any RFC 6962 node costs O(log n) indexed lookups. Internal to the ledger
// library and its tests.
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

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

  // Runs `compute` (a root or a proof over a NodeSource) on a stand-in for
  // this tree that only notes which complete subtrees it asks for (the
  // shape of RFC 6962's recursions depends on sizes, never on hashes), then
  // reads them all in two queries: on PostgreSQL every query is a round
  // trip. `compute` on this tree then asks nothing more of the database.
  // SQLite's point lookups are function calls in this process, cheaper than
  // its plan for a list of row values: nothing is read ahead there.
  template <typename Compute>
  void prefetch(Compute&& compute) {
    if (db_.dialect() != sql::Dialect::postgresql) return;
    Wanted wanted(size_);
    compute(static_cast<const NodeSource&>(wanted));
    fetch(wanted.nodes);
  }
  // A subtree just computed (and stored) by the caller.
  void remember(unsigned level, std::uint64_t index, const Hash& hash) { known_[{level, index}] = hash; }

 private:
  using NodeKey = std::pair<unsigned, std::uint64_t>;  // (level, index)
  class Wanted final : public NodeSource {
   public:
    explicit Wanted(std::uint64_t size) : size_(size) {}
    [[nodiscard]] std::uint64_t size() const override { return size_; }
    [[nodiscard]] Hash complete_subtree(unsigned level, std::uint64_t index) const override {
      nodes.emplace_back(level, index);
      return {};
    }
    mutable std::vector<NodeKey> nodes;

   private:
    std::uint64_t size_;
  };
  void fetch(const std::vector<NodeKey>& nodes);

  const sql::Database& db_;
  mutable sql::Statement leaf_;
  mutable sql::Statement node_;
  std::uint64_t size_;
  std::map<NodeKey, Hash> known_;
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
