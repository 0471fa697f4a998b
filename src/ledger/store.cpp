// The ledger's tree in SQLite: appends (one transaction each: the entry, the
// complete subtrees it closes, the new signed head), reads and proofs.
#include "corridor/ledger/store.hpp"

#include <algorithm>
#include <stdexcept>

namespace corridor::ledger {
namespace {

Hash hash_column(const sql::Statement& s, int column, const std::string& what) {
  const auto bytes = s.blob(column);
  if (bytes.size() != 32) {
    throw DamagedLedger(what + ": stored hash has " + std::to_string(bytes.size()) + " bytes instead of 32");
  }
  Hash h{};
  std::copy(bytes.begin(), bytes.end(), h.begin());
  return h;
}

StoredHead read_head(sql::Statement& s) {
  StoredHead h;
  h.id = s.integer(0);
  h.size = static_cast<std::uint64_t>(s.integer(1));
  h.root = hash_column(s, 2, "head #" + std::to_string(h.id));
  h.timestamp = s.text(3);
  h.note = s.text(4);
  return h;
}

std::optional<StoredHead> one_head(const sql::Database& db, std::string_view query, std::optional<std::uint64_t> size) {
  auto s = db.prepare(query);
  if (size) s.bind(1, *size);
  if (!s.step()) return std::nullopt;
  auto h = read_head(s);
  s.reset();
  return h;
}

}  // namespace

StoredTree::StoredTree(const sql::Database& db, std::uint64_t size)
    : db_(db),
      leaf_(db.prepare("SELECT leaf_hash FROM entries WHERE idx = ?1")),
      node_(db.prepare("SELECT hash FROM nodes WHERE level = ?1 AND idx = ?2")),
      size_(size) {}

void StoredTree::fetch(const std::vector<NodeKey>& nodes) {
  std::string leaves;
  std::string subtrees;
  for (const auto& [level, index] : nodes) {
    if (known_.contains({level, index})) continue;
    auto& list = level == 0 ? leaves : subtrees;
    list += list.empty() ? "" : ", ";
    list += level == 0 ? std::to_string(index) : "(" + std::to_string(level) + ", " + std::to_string(index) + ")";
  }
  // Rows that are missing or damaged are looked up again one by one, and
  // reported with what they should have held.
  const auto keep = [&](unsigned level, std::int64_t idx, const std::string& bytes) {
    if (bytes.size() != 32) return;
    Hash h{};
    std::copy(bytes.begin(), bytes.end(), h.begin());
    known_[{level, static_cast<std::uint64_t>(idx)}] = h;
  };
  if (!leaves.empty()) {
    auto s = db_.prepare("SELECT idx, leaf_hash FROM entries WHERE idx IN (" + leaves + ")");
    while (s.step()) keep(0, s.integer(0), s.blob(1));
  }
  if (!subtrees.empty()) {
    auto s = db_.prepare("SELECT level, idx, hash FROM nodes WHERE (level, idx) IN (" + subtrees + ")");
    while (s.step()) keep(static_cast<unsigned>(s.integer(0)), s.integer(1), s.blob(2));
  }
}

Hash StoredTree::complete_subtree(unsigned level, std::uint64_t index) const {
  if (const auto it = known_.find({level, index}); it != known_.end()) return it->second;
  if (level == 0) {
    leaf_.bind(1, index);
    if (!leaf_.step()) throw DamagedLedger("entry " + std::to_string(index) + " is missing from the ledger");
    const auto h = hash_column(leaf_, 0, "entry " + std::to_string(index));
    leaf_.reset();
    return h;
  }
  node_.bind(1, static_cast<std::int64_t>(level)).bind(2, index);
  const auto first = index << level;
  const auto range = "entries " + std::to_string(first) + ".." + std::to_string(first + (1ULL << level) - 1);
  if (!node_.step()) throw DamagedLedger("the stored subtree of " + range + " is missing from the ledger");
  const auto h = hash_column(node_, 0, "subtree of " + range);
  node_.reset();
  return h;
}

std::uint64_t Ledger::size() const {
  auto s = database().prepare("SELECT COALESCE(MAX(idx) + 1, 0) FROM entries");
  s.step();
  const auto n = s.integer(0);
  s.reset();
  return static_cast<std::uint64_t>(n);
}

Hash Ledger::root(std::uint64_t size) const {
  StoredTree tree(database(), size);
  tree.prefetch([&](const NodeSource& t) { (void)subtree_root(t, 0, size); });
  return subtree_root(tree, 0, size);
}

AppendResult Ledger::append(std::string_view kind, std::string_view body, const NoteSigner& signer) {
  auto& db = database();
  sql::Transaction tx(db);
  const auto n = size();
  const auto leaf = leaf_hash(body);

  // The same bytes appended again: acknowledge the existing entry, as a
  // retry after a lost acknowledgement must not fork the record.
  auto same = db.prepare("SELECT idx FROM entries WHERE leaf_hash = ?1 AND body = ?2 ORDER BY idx LIMIT 1");
  same.bind_blob(1, as_bytes(leaf)).bind_blob(2, body);
  if (same.step()) {
    AppendResult r;
    r.index = static_cast<std::uint64_t>(same.integer(0));
    same.reset();
    r.leaf_hash = leaf;
    r.tree_size = n;
    r.root = root(n);
    if (auto h = head(n)) r.head_note = h->note;
    r.already_present = true;
    return r;  // the transaction rolls back: nothing was written
  }

  const auto now = utc_timestamp();
  auto insert = db.prepare("INSERT INTO entries(idx, kind, body, leaf_hash, appended_at) VALUES(?1, ?2, ?3, ?4, ?5)");
  insert.bind(1, n).bind_text(2, kind).bind_blob(3, body).bind_blob(4, as_bytes(leaf)).bind_text(5, now);
  insert.run();

  // RFC 6962 2.1: leaf n closes the subtrees of 2^level leaves that end at
  // n + 1; store each, so later roots and proofs look them up. Their left
  // halves and the rest of the new root are the old root's subtrees.
  StoredTree tree(db, n + 1);
  tree.prefetch([&](const NodeSource& t) { (void)subtree_root(t, 0, n); });
  tree.remember(0, n, leaf);
  auto node = db.prepare("INSERT INTO nodes(level, idx, hash) VALUES(?1, ?2, ?3)");
  Hash current = leaf;
  for (unsigned level = 1; level < 64 && (n + 1) % (1ULL << level) == 0; ++level) {
    const auto left = tree.complete_subtree(level - 1, ((n + 1) >> (level - 1)) - 2);
    current = node_hash(left, current);
    node.bind(1, static_cast<std::int64_t>(level)).bind(2, ((n + 1) >> level) - 1).bind_blob(3, as_bytes(current));
    node.run();
    node.reset();
    tree.remember(level, ((n + 1) >> level) - 1, current);
  }

  AppendResult r;
  r.index = n;
  r.leaf_hash = leaf;
  r.tree_size = n + 1;
  r.root = subtree_root(tree, 0, n + 1);
  const auto signed_head = sign_head({info().name, r.tree_size, r.root}, signer);
  r.head_note = signed_head.note;
  auto h = db.prepare("INSERT INTO heads(size, root, timestamp, note) VALUES(?1, ?2, ?3, ?4)");
  h.bind(1, r.tree_size).bind_blob(2, as_bytes(r.root)).bind_text(3, now).bind_text(4, r.head_note);
  h.run();
  tx.commit();  // synchronous=FULL: durable once this returns
  return r;
}

std::optional<Entry> Ledger::entry(std::uint64_t index) const {
  auto s = database().prepare("SELECT idx, kind, body, leaf_hash, appended_at FROM entries WHERE idx = ?1");
  s.bind(1, index);
  if (!s.step()) return std::nullopt;
  Entry e;
  e.index = static_cast<std::uint64_t>(s.integer(0));
  e.kind = s.text(1);
  e.body = s.blob(2);
  e.leaf_hash = hash_column(s, 3, "entry " + std::to_string(index));
  e.appended_at = s.text(4);
  s.reset();
  return e;
}

std::optional<StoredHead> Ledger::head(std::uint64_t size) const {
  return one_head(database(),
                  "SELECT id, size, root, timestamp, note FROM heads WHERE size = ?1 ORDER BY id DESC LIMIT 1", size);
}

std::optional<StoredHead> Ledger::latest_head() const {
  return one_head(database(), "SELECT id, size, root, timestamp, note FROM heads ORDER BY id DESC LIMIT 1",
                  std::nullopt);
}

std::vector<Hash> Ledger::inclusion_proof(std::uint64_t index, std::uint64_t size) const {
  const auto n = this->size();
  if (size > n)
    throw InputError("--size", std::to_string(size) + " is larger than the log (" + std::to_string(n) + ")");
  if (index >= size) {
    throw InputError("--index",
                     "entry " + std::to_string(index) + " is not in the tree of size " + std::to_string(size));
  }
  StoredTree tree(database(), size);
  tree.prefetch([&](const NodeSource& t) { (void)inclusion_path(t, index, size); });
  return inclusion_path(tree, index, size);
}

std::vector<Hash> Ledger::consistency_proof(std::uint64_t old_size, std::uint64_t new_size) const {
  const auto n = size();
  if (new_size > n) {
    throw InputError("--new", std::to_string(new_size) + " is larger than the log (" + std::to_string(n) + ")");
  }
  if (old_size > new_size) {
    throw InputError("--old", std::to_string(old_size) + " is larger than the new size " + std::to_string(new_size));
  }
  StoredTree tree(database(), new_size);
  tree.prefetch([&](const NodeSource& t) { (void)consistency_path(t, old_size, new_size); });
  return consistency_path(tree, old_size, new_size);
}

}  // namespace corridor::ledger
