#pragma once
// Shared pieces of the ledger tests: small ledgers of "test" entries
// (appended through Ledger::append, which takes already-checked bytes; the
// CLI always checks signatures), raw SQL on the file the way someone who
// tampers with it would, and the problems `verify` reports.
#include <sqlite3.h>

#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/verify.hpp"
#include "test_support.hpp"

namespace corridor::ledger::test {

namespace fs = std::filesystem;

inline std::string body(std::uint64_t i) { return R"({"n":)" + std::to_string(i) + R"(,"test":"entry"})"; }

// A new ledger with `n` entries in `dir`; returns its path.
inline fs::path make_ledger(const testing::TempDir& dir, std::uint64_t n, const std::string& file = "ledger.db") {
  const auto db = dir / file;
  auto l = Ledger::create(db, {"corridor.test/ledger", {}, {}});
  const auto signer = l.load_signer();
  for (std::uint64_t i = 0; i < n; ++i) l.append("test", body(i), signer);
  return db;
}

// A new ledger of `n` entries at `db` (a file or a postgresql:// URI),
// signed with the key `key`; returns `db`.
inline std::string make_ledger_at(const std::string& db, const fs::path& key, std::uint64_t n) {
  auto l = Ledger::create(db, {"corridor.test/ledger", key, {}});
  const auto signer = l.load_signer();
  for (std::uint64_t i = 0; i < n; ++i) l.append("test", body(i), signer);
  return db;
}

// Runs SQL on the file directly, with the append-only triggers dropped as
// anyone editing the file would.
inline void tamper(const fs::path& db, const std::string& sql) {
  sqlite3* handle = nullptr;
  if (sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    sqlite3_close(handle);
    throw std::runtime_error("cannot open " + db.string());
  }
  const std::string script =
      "DROP TRIGGER IF EXISTS entries_no_update; DROP TRIGGER IF EXISTS entries_no_delete;"
      "DROP TRIGGER IF EXISTS nodes_no_update; DROP TRIGGER IF EXISTS nodes_no_delete;"
      "DROP TRIGGER IF EXISTS heads_no_update; DROP TRIGGER IF EXISTS heads_no_delete;" +
      sql;
  char* error = nullptr;
  const int rc = sqlite3_exec(handle, script.c_str(), nullptr, nullptr, &error);
  const std::string message = error != nullptr ? error : "";
  sqlite3_free(error);
  sqlite3_close(handle);
  if (rc != SQLITE_OK) throw std::runtime_error("tamper SQL failed: " + message);
}

inline VerifyReport verify(const fs::path& db, std::optional<std::string> head = std::nullopt) {
  VerifyOptions options;
  options.given_head = std::move(head);
  return verify_ledger(db, options);
}

inline std::string joined(const VerifyReport& r) {
  std::string out;
  for (const auto& p : r.problems) out += p + "\n";
  return out;
}

// True when one of the problems contains `text`.
inline bool reports(const VerifyReport& r, const std::string& text) {
  for (const auto& p : r.problems) {
    if (p.find(text) != std::string::npos) return true;
  }
  return false;
}

inline std::string latest_note(const fs::path& db) { return Ledger::open(db).latest_head().value().note; }

}  // namespace corridor::ledger::test
