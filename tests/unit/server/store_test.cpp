// The service's Store, one suite for both backends: what it keeps survives
// reopening, upserts replace, listings keep their order, and what several
// instances share (nonces above all) holds across connections.
#include <atomic>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "corridor/ledger/sql.hpp"
#include "corridor/server/store.hpp"
#include "postgres.hpp"
#include "test_support.hpp"

namespace corridor::server {
namespace {

using testing::Backend;

geo::UnixSeconds at(std::int64_t s) { return geo::unix_seconds(s); }

PlanRecord plan_record(const std::string& id) {
  PlanRecord p;
  p.id = id;
  p.scenario = "andorra";
  p.method = plan::Method::ccrp;
  p.status = JobStatus::queued;
  p.requested_by = "mediator";
  p.created_at = "2026-12-07T10:00:00Z";
  p.summary = nullptr;
  return p;
}

class Stores : public ::testing::TestWithParam<Backend> {
 protected:
  Stores() : db_(testing::new_db(GetParam(), dir_, "service.db")) {}
  [[nodiscard]] std::unique_ptr<Store> open() const { return open_store(db_); }

  testing::TempDir dir_;
  std::string db_;
};

INSTANTIATE_TEST_SUITE_P(Both, Stores, ::testing::Values(Backend::sqlite, Backend::postgresql),
                         [](const auto& param) { return std::string(testing::to_string(param.param)); });

TEST_P(Stores, TheRegistryIsReplacedWhole) {
  auto store = open();
  EXPECT_FALSE(store->registry());
  agree::Registry registry;
  const auto a = agree::generate_key("party-a");
  agree::register_key(registry, a.public_key(), "Party A", "party");
  store->save_registry(registry);
  const auto b = agree::generate_key("party-b");
  agree::register_key(registry, b.public_key(), "Party B", "party");
  store->save_registry(registry);
  const auto stored = open()->registry().value();
  ASSERT_EQ(stored.parties.size(), 2u);
  ASSERT_NE(stored.find_key(b.kid), nullptr);
  EXPECT_EQ(stored.find_key(b.kid)->bytes, b.public_key().bytes);
}

TEST_P(Stores, ANonceIsSpentOnceUntilItIsForgotten) {
  auto store = open();
  EXPECT_TRUE(store->spend_nonce("k", "n", at(100), at(0)));
  EXPECT_FALSE(store->spend_nonce("k", "n", at(101), at(0)));
  EXPECT_FALSE(open()->spend_nonce("k", "n", at(102), at(0)));    // another connection, another instance
  EXPECT_TRUE(store->spend_nonce("k2", "n", at(103), at(0)));     // nonces are per key
  EXPECT_TRUE(store->spend_nonce("k", "n", at(2000), at(1000)));  // forgotten after its time
}

// Eight connections race to spend the same 200 nonces: each is spent once.
TEST_P(Stores, RacingInstancesSpendEachNonceOnce) {
  constexpr int connections = 8;
  constexpr int nonces = 200;
  (void)open();  // the schema, before the race
  std::atomic<int> spent{0};
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&] {
      auto store = open();
      for (int n = 0; n < nonces; ++n) {
        if (store->spend_nonce("kid", "nonce-" + std::to_string(n), at(100), at(0))) ++spent;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(spent.load(), nonces);
}

TEST_P(Stores, SessionsAreFoundByTokenHashAndReplaced) {
  auto store = open();
  store->save_session({"h1", "party-a", "kid-a", at(5000)});
  store->save_session({"h2", "party-b", "kid-b", at(6000)});
  store->save_session({"h1", "party-a", "kid-a2", at(7000)});
  const auto s = open()->session("h1").value();
  EXPECT_EQ(s.party, "party-a");
  EXPECT_EQ(s.kid, "kid-a2");
  EXPECT_EQ(s.expires, at(7000));
  EXPECT_FALSE(store->session("nope"));
}

TEST_P(Stores, AScenarioNameIsTakenOnce) {
  auto store = open();
  EXPECT_TRUE(store->add_scenario({"zeta", "Z", "operator", "t1", R"({"type":"FeatureCollection"})"}));
  EXPECT_TRUE(store->add_scenario({"alpha", "A", "party-a", "t2", "{}"}));
  EXPECT_FALSE(store->add_scenario({"zeta", "other", "party-b", "t3", "{}"}));
  const auto all = open()->scenarios();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "alpha");
  EXPECT_EQ(all[1].title, "Z");
  EXPECT_EQ(store->scenario("zeta")->geojson, R"({"type":"FeatureCollection"})");
  EXPECT_FALSE(store->scenario("missing"));
}

TEST_P(Stores, PlansAreUpsertedAndListedNewestFirstWithoutTheirOutputs) {
  auto store = open();
  store->save_plan(plan_record("plan-1"));
  store->save_plan(plan_record("plan-2"));
  auto done = plan_record("plan-1");
  done.status = JobStatus::done;
  done.finished_at = "2026-12-07T10:05:00Z";
  done.summary = {{"people_out", 1200}};
  done.plan_json = R"({"plan":1})";
  done.plan_geojson = "{}";
  done.plan_csv = "a,b\n1,2\n";
  done.attempts = 2;
  store->save_plan(done);
  const auto list = open()->plans();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, "plan-2");
  EXPECT_EQ(list[1].status, JobStatus::done);
  EXPECT_TRUE(list[1].plan_json.empty());
  const auto one = store->plan("plan-1").value();
  EXPECT_EQ(one.summary["people_out"], 1200);
  EXPECT_EQ(one.plan_csv, "a,b\n1,2\n");
  EXPECT_EQ(one.method, plan::Method::ccrp);
  EXPECT_EQ(one.attempts, 2);
  EXPECT_FALSE(store->plan("plan-3"));
}

// Of several instances that try to take the same job over from an instance
// that is gone, exactly one becomes its runner; a finished job, or one
// whose runner changed meanwhile, is never taken.
TEST_P(Stores, ExactlyOneInstanceTakesAJobOver) {
  constexpr int connections = 6;
  constexpr int jobs = 40;
  {
    auto store = open();
    for (int j = 0; j < jobs; ++j) {
      auto p = plan_record("plan-" + std::to_string(j));
      p.status = j % 2 == 0 ? JobStatus::running : JobStatus::queued;
      p.runner = "gone";
      p.attempts = 1;
      store->save_plan(p);
    }
    auto done = plan_record("plan-done");
    done.status = JobStatus::done;
    done.runner = "gone";
    store->save_plan(done);
  }
  std::vector<std::unique_ptr<Store>> stores;
  for (int c = 0; c < connections; ++c) stores.push_back(open());
  std::vector<std::vector<std::string>> won(connections);
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&, c] {
      for (int j = 0; j < jobs; ++j) {
        const auto id = "plan-" + std::to_string((j + c * 7) % jobs);  // each its own order
        if (stores[c]->claim_plan(id, "gone")) won[c].push_back(id);
      }
      if (stores[c]->claim_plan("plan-done", "gone")) won[c].push_back("plan-done");
    });
  }
  for (auto& t : threads) t.join();
  std::map<std::string, int> claims;
  for (int c = 0; c < connections; ++c) {
    for (const auto& id : won[c]) {
      ++claims[id];
      const auto p = stores[0]->plan(id).value();
      EXPECT_EQ(p.runner, stores[c]->instance()) << id;
      EXPECT_EQ(p.status, JobStatus::queued) << id;
      EXPECT_EQ(p.attempts, 1) << id;  // a takeover is not a run
    }
  }
  EXPECT_EQ(claims.size(), static_cast<std::size_t>(jobs));
  for (const auto& [id, n] : claims) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(stores[0]->plan("plan-done")->status, JobStatus::done);
  EXPECT_FALSE(stores[1]->claim_plan("plan-0", "gone"));  // its runner is no longer "gone"
  // The instance it was taken from, back after a while, does not overwrite it.
  auto stale = plan_record("plan-0");
  stale.runner = "gone";
  stale.status = JobStatus::failed;
  stores[0]->save_plan(stale);
  EXPECT_EQ(stores[0]->plan("plan-0")->status, JobStatus::queued);
}

TEST_P(Stores, AgreementsKeepTheirSignaturesAndLedgerEntry) {
  auto store = open();
  AgreementRecord a{"h1", "andorra", 1, "plan-1", R"({"signatures":[]})", std::nullopt, "t1"};
  store->save_agreement(a);
  store->save_agreement({"h2", "andorra", 2, "plan-2", "{}", std::nullopt, "t2"});
  a.signed_json = R"({"signatures":[1,2]})";
  a.ledger_entry = 7;
  store->save_agreement(a);
  const auto all = open()->agreements();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].hash, "h1");
  EXPECT_EQ(all[0].ledger_entry, std::optional<std::uint64_t>(7));
  EXPECT_EQ(all[0].signed_json, R"({"signatures":[1,2]})");
  EXPECT_EQ(all[1].version, 2);
  EXPECT_FALSE(all[1].ledger_entry);
  EXPECT_FALSE(store->agreement("h3"));
}

// Tables made before the schema had versions (version 1, without the
// planning job's runner) are migrated at open, their rows kept.
TEST_P(Stores, OlderTablesAreMigratedAndTheVersionRecorded) {
  {
    auto db = ledger::sql::open(db_, true);
    const bool sqlite = db->dialect() == ledger::sql::Dialect::sqlite;
    db->exec(std::string("CREATE TABLE service_plans(seq ") + (sqlite ? "INTEGER" : "BIGSERIAL") +
             " PRIMARY KEY, id TEXT NOT NULL UNIQUE, scenario TEXT NOT NULL, method TEXT NOT NULL, status TEXT NOT "
             "NULL, requested_by TEXT NOT NULL, created_at TEXT NOT NULL, finished_at TEXT NOT NULL, error TEXT NOT "
             "NULL, summary TEXT NOT NULL, plan_json TEXT NOT NULL, plan_geojson TEXT NOT NULL, plan_csv TEXT NOT "
             "NULL)");
    db->exec(
        "INSERT INTO service_plans(id, scenario, method, status, requested_by, created_at, finished_at, error, "
        "summary, plan_json, plan_geojson, plan_csv) VALUES ('plan-old', 'andorra', 'ccrp', 'done', 'M', 't', 't', "
        "'', 'null', '{}', '{}', '')");
  }
  auto store = open();
  EXPECT_EQ(store->schema_version(), 3);
  const auto old = store->plan("plan-old").value();
  EXPECT_EQ(old.status, JobStatus::done);
  EXPECT_EQ(old.runner, "");
  EXPECT_EQ(old.attempts, 0);
  auto next = plan_record("plan-new");
  next.runner = store->instance();
  store->save_plan(next);
  EXPECT_EQ(open()->plan("plan-new")->runner, store->instance());
  EXPECT_EQ(open()->schema_version(), 3);  // once
}

// On PostgreSQL an instance is alive while its connection is; on SQLite
// (one instance per file) only the store itself is.
TEST_P(Stores, AnInstanceIsAliveWhileItsConnectionIs) {
  auto a = open();
  auto b = open();
  EXPECT_NE(a->instance(), b->instance());
  EXPECT_TRUE(a->instance_alive(a->instance()));
  EXPECT_FALSE(a->instance_alive(""));
  EXPECT_FALSE(a->instance_alive("not-an-instance"));
  EXPECT_FALSE(a->instance_alive("9999999999"));  // beyond a lock number
  EXPECT_FALSE(a->instance_alive("-1"));
  const auto gone = b->instance();
  EXPECT_EQ(a->instance_alive(gone), GetParam() == Backend::postgresql);
  b.reset();
  // The server ends the closed connection's session (and its locks) shortly after.
  bool alive = true;
  for (int i = 0; i < 100 && alive; ++i) {
    alive = a->instance_alive(gone);
    if (alive) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_FALSE(alive);
}

// A store whose connection the server ended opens it again at its next
// call and takes its instance's lock again: it is seen alive, and keeps
// its jobs.
TEST(PostgresStore, AnInstanceComesBackWithItsConnection) {
  const auto db = testing::PostgresServer::shared().new_database();
  auto a = open_store(db);
  const auto observer = open_store(db);
  const auto me = a->instance();
  EXPECT_TRUE(observer->instance_alive(me));
  testing::terminate_sessions(db);  // the observer's session too
  EXPECT_FALSE(observer->instance_alive(me));
  a->save_plan(plan_record("plan-after"));  // the next call, whatever it is
  EXPECT_TRUE(observer->instance_alive(me));
  EXPECT_EQ(a->instance(), me);
  EXPECT_TRUE(a->plan("plan-after"));
}

}  // namespace
}  // namespace corridor::server
