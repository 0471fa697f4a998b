// The stores: creating and opening ledgers, appends (one transaction each,
// with the subtrees they complete and a signed head), proofs from the stored
// nodes equal to the in-memory tree's, proof documents, and appends from
// several connections at once. What holds for both SQLite and PostgreSQL is
// one suite parametrised over them.
#include <sys/stat.h>

#include <fstream>
#include <set>
#include <thread>

#include "corridor/ledger/proof.hpp"
#include "corridor/ledger/store.hpp"
#include "ledger_testing.hpp"
#include "postgres.hpp"

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
    auto other = sql::open_sqlite(dir / "other.db", true);
    other->exec("CREATE TABLE t(x)");
  }
  EXPECT_THROW((void)Ledger::open(dir / "other.db"), NotALedger);
  EXPECT_THROW((void)verify_ledger(dir / "other.db", {}), NotALedger);
}

TEST(LedgerStore, PostgresDatabasesThatAreNotLedgersAreRefusedByName) {
  testing::TempDir dir;
  const auto db = testing::PostgresServer::shared().new_database();
  EXPECT_THROW((void)Ledger::open(db), NotALedger);
  EXPECT_THROW((void)verify_ledger(db, {}), NotALedger);
  (void)Ledger::create(db, {"corridor.test/ledger", dir / "log.key", {}});
  EXPECT_THROW((void)Ledger::create(db, {"corridor.test/ledger", dir / "other.key", {}}), InputError);
  // A server that is not there: the error names it, without the password.
  try {
    (void)Ledger::open("postgresql://corridor:s3cret@127.0.0.1:1/corridor");
    FAIL() << "opened a ledger on port 1";
  } catch (const IoError& e) {
    const std::string what = e.what();
    EXPECT_TRUE(testing::has(what, "postgresql://corridor:***@127.0.0.1:1/corridor")) << what;
    EXPECT_FALSE(testing::has(what, "s3cret")) << what;
  }
}

// Someone with the database's owner role can drop the trigger and edit
// rows, as someone with the file can: `verify` finds it the same way.
TEST(LedgerStore, RowsEditedInPostgresqlAreFoundByVerify) {
  testing::TempDir dir;
  int ledgers = 0;
  const auto tampered = [&](const std::string& sql) {
    const auto key = dir / ("log" + std::to_string(++ledgers) + ".key");
    const auto db = test::make_ledger_at(testing::PostgresServer::shared().new_database(), key, 12);
    sql::open_postgres(db)->exec(
        "DROP TRIGGER entries_append_only ON entries; DROP TRIGGER nodes_append_only ON nodes; "
        "DROP TRIGGER heads_append_only ON heads; " +
        sql);
    return test::verify(db);
  };
  auto r = tampered("UPDATE entries SET body = convert_to('{\"n\":99}', 'UTF8') WHERE idx = 3");
  EXPECT_TRUE(test::reports(r, "entry 3: body does not match its leaf hash")) << test::joined(r);
  r = tampered("DELETE FROM entries WHERE idx = 5");
  EXPECT_TRUE(test::reports(r, "entry 5 missing")) << test::joined(r);
  r = tampered("DELETE FROM entries WHERE idx >= 10; DELETE FROM nodes WHERE ((idx + 1) << level) > 10");
  EXPECT_TRUE(test::reports(r, "entries 10..11 missing: size 10 but head #13 signed size 12")) << test::joined(r);
  r = tampered("UPDATE heads SET root = sha256('x') WHERE id = 4");
  EXPECT_TRUE(test::reports(r, "head #4: its size or root columns differ from its signed note")) << test::joined(r);
}

// A connection the server ended (a restart, pg_terminate_backend) is
// opened again by the next statement outside a transaction; inside one,
// the statements fail, the transaction with them, and nothing commits on a
// new session by mistake.
TEST(LedgerStore, APostgresConnectionLostIsOpenedAgainOutsideATransactionOnly) {
  testing::TempDir dir;
  const auto db = test::make_ledger_at(testing::PostgresServer::shared().new_database(), dir / "log.key", 5);
  auto l = Ledger::open(db);
  const auto signer = l.load_signer();
  EXPECT_EQ(testing::terminate_sessions(db), 1);
  EXPECT_EQ(l.append("test", test::body(5), signer).index, 5u);
  EXPECT_EQ(l.database().reconnects(), 1u);
  EXPECT_EQ(l.size(), 6u);

  const auto raw = sql::open_postgres(db);
  {
    sql::Transaction tx(*raw);
    raw->exec("CREATE TABLE lost(x INTEGER)");
    EXPECT_EQ(testing::terminate_sessions(db), 2);
    EXPECT_THROW(raw->exec("INSERT INTO lost VALUES (1)"), IoError);
    EXPECT_THROW(tx.commit(), IoError);
  }
  EXPECT_EQ(raw->reconnects(), 0u);
  EXPECT_FALSE(raw->has_table("lost"));  // opened again here: the table never committed
  EXPECT_EQ(raw->reconnects(), 1u);
  EXPECT_EQ(l.append("test", test::body(6), signer).index, 6u);
  EXPECT_EQ(test::verify(db).problems.size(), 0u);
}

using testing::Backend;

class LedgerStores : public ::testing::TestWithParam<Backend> {
 protected:
  // A new ledger of `n` entries; returns its --db value.
  std::string make(std::uint64_t n) {
    return test::make_ledger_at(testing::new_db(GetParam(), dir_), dir_ / "log.key", n);
  }

  testing::TempDir dir_;
};

INSTANTIATE_TEST_SUITE_P(Both, LedgerStores, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         [](const auto& param) { return std::string(testing::to_string(param.param)); });

TEST_P(LedgerStores, AppendsStoreCompleteSubtreesAndSignHeads) {
  auto l = Ledger::open(make(0));
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

TEST_P(LedgerStores, TheSameBytesAppendedTwiceAreAcknowledgedOnce) {
  const auto db = make(3);
  auto l = Ledger::open(db);
  const auto again = l.append("test", test::body(1), l.load_signer());
  EXPECT_TRUE(again.already_present);
  EXPECT_EQ(again.index, 1u);
  EXPECT_EQ(again.tree_size, 3u);
  EXPECT_EQ(l.size(), 3u);
  EXPECT_EQ(again.to_json()["already_present"], true);
  EXPECT_TRUE(test::verify(db).intact());
}

TEST_P(LedgerStores, SurvivesReopeningAndKeepsGrowing) {
  const auto db = make(10);
  auto l = Ledger::open(db);
  EXPECT_EQ(l.size(), 10u);
  const auto r = l.append("test", test::body(10), l.load_signer());
  EXPECT_EQ(r.index, 10u);
  EXPECT_TRUE(test::verify(db).intact());
  // A verification checkpoint, then an append checked from it.
  record_verification(l, test::verify(db), l.load_signer());
  l.append("test", test::body(11), l.load_signer());
  VerifyOptions since;
  since.since_checkpoint = true;
  const auto report = verify_ledger(db, since);
  EXPECT_TRUE(report.intact()) << test::joined(report);
  EXPECT_EQ(report.checkpoint_size, 11u);
  EXPECT_EQ(report.entries, 12u);
}

TEST_P(LedgerStores, RowsCannotBeChangedOrRemoved) {
  const auto db = make(2);
  auto l = Ledger::open(db);
  EXPECT_THROW(l.database().exec("UPDATE entries SET kind = 'x'"), IoError);
  EXPECT_THROW(l.database().exec("DELETE FROM heads"), IoError);
  EXPECT_THROW(l.database().exec("DELETE FROM nodes"), IoError);
  EXPECT_TRUE(test::verify(db).intact());
}

// Appends through four connections at once (four instances of the service,
// say) are sequenced exactly once each: indices 0..n-1, no gaps, and every
// acknowledged head is a head of the one log.
TEST_P(LedgerStores, ConcurrentAppendsFromSeveralConnectionsAreSequencedOnce) {
  const auto db = make(0);
  constexpr int threads = 4;
  constexpr int per_thread = 25;
  std::vector<std::vector<AppendResult>> acked(threads);
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      auto l = Ledger::open(db);
      const auto signer = l.load_signer();
      for (int i = 0; i < per_thread; ++i) acked[t].push_back(l.append("test", test::body(t * 1000 + i), signer));
    });
  }
  for (auto& w : workers) w.join();
  const auto l = Ledger::open(db);
  ASSERT_EQ(l.size(), std::uint64_t{threads * per_thread});
  std::set<std::uint64_t> indices;
  for (int t = 0; t < threads; ++t) {
    for (int i = 0; i < per_thread; ++i) {
      const auto& r = acked[t][i];
      EXPECT_FALSE(r.already_present);
      EXPECT_TRUE(indices.insert(r.index).second) << "index " << r.index << " acknowledged twice";
      EXPECT_EQ(l.entry(r.index).value().body, test::body(t * 1000 + i));
      EXPECT_EQ(l.root(r.tree_size), r.root);
    }
  }
  EXPECT_EQ(*indices.rbegin(), std::uint64_t{threads * per_thread - 1});
  const auto report = test::verify(db);
  EXPECT_TRUE(report.intact()) << test::joined(report);
}

TEST_P(LedgerStores, ProofDocumentsVerifyWithoutTheDatabaseAndFailWhenAltered) {
  const auto db = make(21);
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
