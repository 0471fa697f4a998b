// The SQLite store: creating and opening ledgers, appends (one transaction
// each, with the subtrees they complete and a signed head), proofs from the
// stored nodes equal to the in-memory tree's, and proof documents.
#include <sys/stat.h>

#include <fstream>

#include "corridor/ledger/proof.hpp"
#include "corridor/ledger/store.hpp"
#include "ledger_testing.hpp"

namespace corridor::ledger {
namespace {

TEST(LedgerStore, CreatesTheFileTheKeyAndTheEmptyHead) {
  testing::TempDir dir;
  const auto db = dir / "ledger.db";
  auto l = Ledger::create(db, {"corridor.test/ledger", {}, {}});
  EXPECT_EQ(l.info().name, "corridor.test/ledger");
  EXPECT_EQ(l.key_path(), dir / "corridor.test-ledger.logkey");
  struct stat st {};
  ASSERT_EQ(stat(l.key_path().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(read_verifier_key(dir / "corridor.test-ledger.vkey").public_key, l.info().verifier.public_key);
  EXPECT_EQ(l.size(), 0u);
  const auto head = l.latest_head().value();
  EXPECT_EQ(head.size, 0u);
  EXPECT_EQ(head.root, empty_root());
  EXPECT_EQ(head_problem(parse_head(head.note), l.info().verifier), "");
  EXPECT_EQ(l.database().scalar_text("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(l.database().scalar_text("PRAGMA synchronous"), "2");  // FULL
  EXPECT_THROW((void)Ledger::create(db, {"corridor.test/ledger", {}, {}}), InputError);
}

TEST(LedgerStore, KeepsTheKeyWhereItIsToldAndChecksItOnUse) {
  testing::TempDir dir;
  auto l = Ledger::create(dir / "ledger.db", {"log", dir / "secret", {}});
  EXPECT_EQ(l.key_path(), dir / "secret");
  EXPECT_NO_THROW((void)l.load_signer());
  const auto other = generate_signer("log");
  write_signer_key(other, dir / "other.key");
  EXPECT_THROW((void)l.load_signer(dir / "other.key"), InputError);
}

TEST(LedgerStore, RefusesFilesThatAreNotLedgers) {
  testing::TempDir dir;
  EXPECT_THROW((void)Ledger::open(dir / "missing.db"), IoError);
  std::ofstream(dir / "text.db") << "not a database at all, just text that is long enough to have a header......";
  EXPECT_THROW((void)Ledger::open(dir / "text.db"), NotALedger);
  std::ofstream(dir / "empty.db");
  EXPECT_THROW((void)Ledger::open(dir / "empty.db"), NotALedger);
  {
    sql::Database other(dir / "other.db", true);
    other.exec("CREATE TABLE t(x)");
  }
  EXPECT_THROW((void)Ledger::open(dir / "other.db"), NotALedger);
  EXPECT_THROW((void)verify_ledger(dir / "other.db", {}), NotALedger);
}

TEST(LedgerStore, AppendsStoreCompleteSubtreesAndSignHeads) {
  testing::TempDir dir;
  auto l = Ledger::create(dir / "ledger.db", {"corridor.test/ledger", {}, {}});
  const auto signer = l.load_signer();
  MemoryTree expected;
  for (std::uint64_t i = 0; i < 70; ++i) {
    const auto r = l.append("test", test::body(i), signer);
    expected.append(leaf_hash(test::body(i)));
    ASSERT_EQ(r.index, i);
    ASSERT_EQ(r.tree_size, i + 1);
    ASSERT_EQ(r.leaf_hash, leaf_hash(test::body(i)));
    ASSERT_EQ(r.root, expected.root());
    const auto head = parse_head(r.head_note);
    ASSERT_EQ(head.checkpoint.size, i + 1);
    ASSERT_EQ(head.checkpoint.root, r.root);
    ASSERT_EQ(head_problem(head, l.info().verifier), "");
  }
  // Every complete subtree is stored, and nothing else.
  std::uint64_t nodes = 0;
  for (std::size_t level = 1; level < expected.levels().size(); ++level) nodes += expected.levels()[level].size();
  EXPECT_EQ(l.database().scalar_text("SELECT count(*) FROM nodes"), std::to_string(nodes));
  StoredTree stored(l.database(), l.size());
  for (std::size_t level = 0; level < expected.levels().size(); ++level) {
    for (std::size_t i = 0; i < expected.levels()[level].size(); ++i) {
      ASSERT_EQ(stored.complete_subtree(static_cast<unsigned>(level), i), expected.levels()[level][i]);
    }
  }
  for (std::uint64_t n = 0; n <= l.size(); ++n) {
    ASSERT_EQ(l.root(n), expected.root(n)) << n;
    ASSERT_EQ(l.head(n).value().root, expected.root(n)) << n;
    for (std::uint64_t i = 0; i < n; ++i) ASSERT_EQ(l.inclusion_proof(i, n), inclusion_path(expected, i, n));
    for (std::uint64_t m = 0; m <= n; ++m) ASSERT_EQ(l.consistency_proof(m, n), consistency_path(expected, m, n));
  }
  const auto e = l.entry(5).value();
  EXPECT_EQ(e.kind, "test");
  EXPECT_EQ(e.body, test::body(5));
  EXPECT_FALSE(l.entry(70));
  EXPECT_THROW((void)l.inclusion_proof(70, 70), InputError);
  EXPECT_THROW((void)l.consistency_proof(3, 71), InputError);
  EXPECT_TRUE(test::verify(l.path()).intact()) << test::joined(test::verify(l.path()));
}

TEST(LedgerStore, TheSameBytesAppendedTwiceAreAcknowledgedOnce) {
  testing::TempDir dir;
  const auto db = test::make_ledger(dir, 3);
  auto l = Ledger::open(db);
  const auto again = l.append("test", test::body(1), l.load_signer());
  EXPECT_TRUE(again.already_present);
  EXPECT_EQ(again.index, 1u);
  EXPECT_EQ(again.tree_size, 3u);
  EXPECT_EQ(l.size(), 3u);
  EXPECT_EQ(again.to_json()["already_present"], true);
  EXPECT_TRUE(test::verify(db).intact());
}

TEST(LedgerStore, SurvivesReopeningAndKeepsGrowing) {
  testing::TempDir dir;
  const auto db = test::make_ledger(dir, 10);
  auto l = Ledger::open(db);
  EXPECT_EQ(l.size(), 10u);
  const auto r = l.append("test", test::body(10), l.load_signer());
  EXPECT_EQ(r.index, 10u);
  EXPECT_TRUE(test::verify(db).intact());
}

TEST(ProofDocuments, VerifyWithoutTheDatabaseAndFailWhenAltered) {
  testing::TempDir dir;
  const auto db = test::make_ledger(dir, 21);
  const auto l = Ledger::open(db);
  const auto key = l.info().verifier;
  const auto p = inclusion_proof_json(l, 7, std::nullopt);
  EXPECT_EQ(p["type"], "inclusion");
  EXPECT_EQ(p["tree_size"], 21);
  EXPECT_TRUE(check_proof(p, std::nullopt, nullptr).valid);
  EXPECT_TRUE(check_proof(p, l.head(21)->note, &key).valid);
  EXPECT_FALSE(check_proof(p, l.head(20)->note, &key).valid);  // a head of another size
  auto bad = p;
  bad["entry"] = test::body(8);
  EXPECT_FALSE(check_proof(bad, std::nullopt, nullptr).valid);
  bad = p;
  bad["index"] = 8;
  EXPECT_FALSE(check_proof(bad, std::nullopt, nullptr).valid);
  bad = p;
  bad["path"][1] = crypto::hex(leaf_hash("x"));
  EXPECT_FALSE(check_proof(bad, std::nullopt, nullptr).valid);
  bad = p;
  bad["head"] = l.head(20)->note;
  EXPECT_FALSE(check_proof(bad, std::nullopt, nullptr).valid);
  const auto stranger = generate_signer("corridor.test/ledger").verifier();
  EXPECT_FALSE(check_proof(p, std::nullopt, &stranger).valid);
  bad = p;
  bad["path"] = "nope";
  EXPECT_THROW((void)check_proof(bad, std::nullopt, nullptr), InputError);

  const auto c = consistency_proof_json(l, 9, std::nullopt);
  EXPECT_EQ(c["type"], "consistency");
  EXPECT_TRUE(check_proof(c, l.head(9)->note, &key).valid);
  EXPECT_TRUE(check_proof(c, l.head(21)->note, &key).valid);
  EXPECT_FALSE(check_proof(c, l.head(10)->note, &key).valid);
  bad = c;
  bad["old_root"] = crypto::hex(l.root(8));
  EXPECT_FALSE(check_proof(bad, std::nullopt, nullptr).valid);
  bad = c;
  bad["path"].erase(0);
  EXPECT_FALSE(check_proof(bad, std::nullopt, nullptr).valid);
  EXPECT_THROW((void)check_proof(nlohmann::json{{"type", "other"}}, std::nullopt, nullptr), InputError);
}

}  // namespace
}  // namespace corridor::ledger
