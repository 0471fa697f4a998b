// Tampering with a ledger file: flipped bytes in bodies, leaf hashes and
// subtrees, removed and reordered rows, a removed tail, a rewritten
// history, truncated files. `verify` finds every one and says where.
#include <filesystem>

#include "ledger_testing.hpp"

namespace corridor::ledger {
namespace {

namespace fs = std::filesystem;
using test::reports;

constexpr std::uint64_t k_entries = 50;

std::string blob(const std::string& bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out = "X'";
  for (unsigned char c : bytes) out += {digits[c >> 4], digits[c & 15]};
  return out + "'";
}

std::string blob(const Hash& h) { return blob(std::string(h.begin(), h.end())); }

class Tamper : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pristine_dir_ = new testing::TempDir;
    pristine_ = test::make_ledger(*pristine_dir_, k_entries);
    head_50_ = test::latest_note(pristine_);
  }
  static void TearDownTestSuite() {
    delete pristine_dir_;
    pristine_dir_ = nullptr;
  }

  // A fresh copy of the 50-entry ledger (its key stays beside the original).
  fs::path copy() {
    const auto db = dir_ / ("copy" + std::to_string(++copies_) + ".db");
    fs::copy_file(pristine_, db);
    return db;
  }

  static inline testing::TempDir* pristine_dir_ = nullptr;
  static inline fs::path pristine_;
  static inline std::string head_50_;
  testing::TempDir dir_;
  int copies_ = 0;
};

TEST_F(Tamper, ThePristineLedgerVerifies) {
  const auto r = test::verify(copy(), head_50_);
  EXPECT_TRUE(r.intact()) << test::joined(r);
  EXPECT_EQ(r.entries, k_entries);
  EXPECT_EQ(r.heads, k_entries + 1);
  EXPECT_TRUE(r.given_head_checked);
}

TEST_F(Tamper, EveryFlippedBodyByteIsFoundAtItsEntry) {
  for (std::uint64_t i = 0; i < k_entries; ++i) {
    auto body = test::body(i);
    body[(i * 7) % body.size()] ^= 0x20;
    const auto db = copy();
    test::tamper(db, "UPDATE entries SET body = " + blob(body) + " WHERE idx = " + std::to_string(i));
    const auto r = test::verify(db);
    EXPECT_TRUE(reports(r, "entry " + std::to_string(i) + ": body does not match its leaf hash")) << test::joined(r);
  }
}

TEST_F(Tamper, EveryFlippedLeafHashIsFoundAtItsEntry) {
  for (std::uint64_t i = 0; i < k_entries; ++i) {
    auto h = leaf_hash(test::body(i));
    h[i % 32] ^= 0x80;
    const auto db = copy();
    test::tamper(db, "UPDATE entries SET leaf_hash = " + blob(h) + " WHERE idx = " + std::to_string(i));
    const auto r = test::verify(db);
    EXPECT_TRUE(reports(r, "entry " + std::to_string(i) + ": body does not match its leaf hash")) << test::joined(r);
  }
}

TEST_F(Tamper, ABodyRewrittenWithItsHashDiffersFromTheSignedHeads) {
  const auto db = copy();
  const std::string forged = R"({"n":17,"test":"something else"})";
  test::tamper(
      db, "UPDATE entries SET body = " + blob(forged) + ", leaf_hash = " + blob(leaf_hash(forged)) + " WHERE idx = 17");
  const auto r = test::verify(db);
  EXPECT_TRUE(reports(r, "entry 17 differs from what head #19 (size 18) signed")) << test::joined(r);
  EXPECT_TRUE(reports(r, "does not match the bodies")) << test::joined(r);
}

TEST_F(Tamper, AFlippedSubtreeHashIsFound) {
  const auto db = copy();
  test::tamper(db, "UPDATE nodes SET hash = " + blob(leaf_hash("x")) + " WHERE level = 3 AND idx = 2");
  const auto r = test::verify(db);
  EXPECT_TRUE(reports(r, "the stored subtree of entries 16..23 does not match the bodies")) << test::joined(r);
}

TEST_F(Tamper, DeletedRowsAreFound) {
  for (std::uint64_t i : {0ULL, 17ULL, 31ULL}) {
    const auto db = copy();
    test::tamper(db, "DELETE FROM entries WHERE idx = " + std::to_string(i));
    const auto r = test::verify(db);
    const auto before = i == 0 ? std::string("the start") : "entry " + std::to_string(i - 1);
    EXPECT_TRUE(reports(
        r, "entry " + std::to_string(i) + " missing (entry " + std::to_string(i + 1) + " follows " + before + ")"))
        << test::joined(r);
  }
  const auto db = copy();
  test::tamper(db, "DELETE FROM nodes WHERE level = 1 AND idx = 4");
  EXPECT_TRUE(reports(test::verify(db), "1 stored subtree is missing"));
}

TEST_F(Tamper, ReorderedRowsAreFound) {
  const auto db = copy();
  test::tamper(db, "UPDATE entries SET body = " + blob(test::body(7)) + " WHERE idx = 3;" +
                       "UPDATE entries SET body = " + blob(test::body(3)) + " WHERE idx = 7;");
  auto r = test::verify(db);
  EXPECT_TRUE(reports(r, "entry 3: body does not match its leaf hash")) << test::joined(r);
  EXPECT_TRUE(reports(r, "entry 7: body does not match its leaf hash")) << test::joined(r);

  // Whole rows swapped, hashes included: the signed heads still tell.
  const auto rows = copy();
  test::tamper(rows,
               "UPDATE entries SET idx = -1 WHERE idx = 3; UPDATE entries SET idx = 3 WHERE idx = 7;"
               "UPDATE entries SET idx = 7 WHERE idx = -1;");
  r = test::verify(rows);
  EXPECT_TRUE(reports(r, "entry 3 differs from what head #5 (size 4) signed")) << test::joined(r);
}

TEST_F(Tamper, ARemovedTailIsFoundByTheHeadsThatSignedIt) {
  const auto db = copy();
  test::tamper(db, "DELETE FROM entries WHERE idx >= 48; DELETE FROM nodes WHERE ((idx + 1) << level) > 48;");
  const auto r = test::verify(db);
  EXPECT_TRUE(reports(r, "entries 48..49 missing: size 48 but head #51 signed size 50")) << test::joined(r);
}

TEST_F(Tamper, ATailRemovedWithItsHeadsIsFoundByWhoeverKeptAHead) {
  const auto db = copy();
  test::tamper(db,
               "DELETE FROM entries WHERE idx >= 48; DELETE FROM nodes WHERE ((idx + 1) << level) > 48;"
               "DELETE FROM heads WHERE size > 48;");
  EXPECT_TRUE(test::verify(db).intact());  // consistent in itself...
  const auto r = test::verify(db, head_50_);
  EXPECT_TRUE(reports(r, "entries 48..49 missing: size 48 but the given head signed size 50")) << test::joined(r);
}

TEST_F(Tamper, AHistoryRewrittenWithTheLogKeyIsFoundByWhoeverKeptAHead) {
  // Two ledgers with one key: the same first ten entries, then a different
  // entry 10. The second is a whole, well-signed log, but not an extension
  // of a head the first one published.
  const auto empty = dir_ / "empty.db";
  { auto l = Ledger::create(empty, {"corridor.test/rewritten", {}, {}}); }
  fs::copy_file(empty, dir_ / "rewritten.db");
  auto original = Ledger::open(empty);
  auto rewritten = Ledger::open(dir_ / "rewritten.db");
  const auto signer = original.load_signer();
  for (std::uint64_t i = 0; i < 30; ++i) original.append("test", test::body(i), signer);
  for (std::uint64_t i = 0; i < 40; ++i)
    rewritten.append("test", i == 10 ? "{\"n\":10,\"rewritten\":true}" : test::body(i), signer);
  const auto kept_early = original.head(5)->note;
  const auto kept_late = original.head(30)->note;
  EXPECT_TRUE(test::verify(dir_ / "rewritten.db").intact());
  EXPECT_TRUE(test::verify(dir_ / "rewritten.db", kept_early).intact());
  const auto r = test::verify(dir_ / "rewritten.db", kept_late);
  EXPECT_TRUE(reports(r, "the log is not an extension of the given head (size 30)")) << test::joined(r);
  // A head by another log's key proves nothing here.
  const auto foreign = test::latest_note(pristine_);
  EXPECT_TRUE(reports(test::verify(dir_ / "rewritten.db", foreign), "the given head: "));
  EXPECT_THROW((void)test::verify(dir_ / "rewritten.db", "not a note"), InputError);
}

TEST_F(Tamper, RowsAndHeadsEditedOutsideAppendAreFound) {
  auto db = copy();
  test::tamper(db, "INSERT INTO entries VALUES(50, 'test', " + blob(test::body(50)) + ", " +
                       blob(leaf_hash(test::body(50))) + ", '2022-03-05T09:00:00Z')");
  EXPECT_TRUE(reports(test::verify(db), "entry 50 is covered by no signed head"));
  db = copy();
  test::tamper(db, "UPDATE heads SET root = " + blob(leaf_hash("x")) + " WHERE id = 10");
  EXPECT_TRUE(reports(test::verify(db), "head #10: its size or root columns differ from its signed note"));
  db = copy();
  test::tamper(db,
               "UPDATE heads SET note = replace(note, char(10) || '10' || char(10), char(10) || '11' || char(10)) "
               "WHERE id = 11");
  EXPECT_TRUE(reports(test::verify(db), "head #11: the head has no valid signature")) << test::joined(test::verify(db));
}

TEST_F(Tamper, TruncatedFilesAreFound) {
  const auto full = fs::file_size(pristine_);
  ASSERT_EQ(full % 4096, 0u);
  ASSERT_GT(full, 4u * 4096);
  for (std::uintmax_t size : {full - 1, full - 4096, full / 2 / 4096 * 4096, std::uintmax_t{4096 + 100},
                              std::uintmax_t{4096}, std::uintmax_t{99}, std::uintmax_t{20}}) {
    const auto db = copy();
    fs::resize_file(db, size);
    const auto r = test::verify(db);
    EXPECT_FALSE(r.intact()) << "truncated to " << size;
    EXPECT_TRUE(reports(r, "truncated") || reports(r, "damaged")) << size << ": " << test::joined(r);
  }
  const auto db = copy();
  fs::resize_file(db, 0);
  EXPECT_THROW((void)test::verify(db), NotALedger);  // nothing left that says it was a ledger
}

}  // namespace
}  // namespace corridor::ledger
