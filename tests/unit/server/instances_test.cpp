// Several service instances on one PostgreSQL database, as behind a load
// balancer (docs/deploy.md): signed incident reports sent to both at once
// are each in the one ledger exactly once, the two instances' heads are
// heads of the same log, a request accepted by one cannot be replayed to the
// other, a scenario uploaded through one is planned through the other, and
// a job whose instance dies is taken over by the other.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "corridor/agree/jws.hpp"
#include "corridor/agree/keys.hpp"
#include "corridor/ledger/proof.hpp"
#include "corridor/ledger/verify.hpp"
#include "corridor/monitor/incident.hpp"
#include "corridor/monitor/kinds.hpp"
#include "corridor/server/request_signature.hpp"
#include "corridor/server/store.hpp"
#include "postgres.hpp"
#include "server_testing.hpp"

namespace corridor::server::test {
namespace {

class Instances : public ::testing::Test {
 protected:
  Instances() : db_(testing::PostgresServer::shared().new_database()) {
    for (const auto* party : {"A", "B", "M"}) keys_.emplace(party, agree::generate_key(party));
    agree::Registry registry;
    agree::register_key(registry, keys_.at("A").public_key(), "Party A", std::nullopt);
    agree::register_key(registry, keys_.at("B").public_key(), "Party B", std::nullopt);
    agree::register_key(registry, keys_.at("M").public_key(), "Mediator", "mediator");
    agree::write_registry(registry, dir_ / "parties.json");
    ledger::Ledger::create(db_, {"corridor.test/instances", dir_ / "log.key", dir_ / "parties.json"});
    for (auto& instance : instances_) {
      ServiceOptions options;
      options.takeover_every_s = 0.2;  // ALiveInstanceTakesOverTheJobsOfADeadOne
      instance.service = std::make_unique<Service>(testing::imported_extract("andorra-2021-10.osm.pbf"), options);
      instance.service->attach_database(db_);
      instance.server = std::make_unique<RunningServer>(*instance.service, 4, 1u << 20);
    }
  }

  static Client::Headers headers(const RequestSignature& s) {
    return {{std::string(k_header_key), s.kid},
            {std::string(k_header_time), s.time},
            {std::string(k_header_nonce), s.nonce},
            {std::string(k_header_signature), s.signature}};
  }

  Reply call(int instance, const std::string& party, const std::string& method, const std::string& target,
             const std::string& body = "") {
    return Client(instances_.at(instance).server->port())
        .request(target, method, body, headers(sign_request(keys_.at(party), method, target, body)));
  }

  std::string report(const std::string& party, const std::string& id, int minute) {
    monitor::Incident incident;
    incident.id = id;
    incident.reported_by = party;
    incident.time = geo::unix_seconds(1646472000) + std::chrono::minutes(minute);
    incident.where = {1.5070, 42.4958};
    incident.event_type = "Violence against civilians";
    auto document = agree::make_signed(monitor::incident_document(incident));
    agree::add_signature(document, keys_.at(party));
    return document.dump();
  }

  struct Instance {
    std::unique_ptr<Service> service;
    std::unique_ptr<RunningServer> server;
  };

  testing::TempDir dir_;
  std::string db_;
  std::map<std::string, agree::SecretKey> keys_;
  std::array<Instance, 2> instances_;
};

TEST_F(Instances, ReportsToBothAreLoggedOnceEachInOneLedger) {
  constexpr int threads = 4;
  constexpr int per_thread = 250;
  std::mutex mutex;
  std::map<std::uint64_t, std::string> acknowledged;  // index -> report id
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const std::string party = t % 2 == 0 ? "A" : "B";
      for (int i = 0; i < per_thread; ++i) {
        const auto id = party + "-" + std::to_string(t) + "-" + std::to_string(i);
        const auto r = call(i % 2, party, "POST", "/incidents", report(party, id, i));
        if (r.status != 201) {
          if (++failures < 5) ADD_FAILURE() << r.status << " " << r.text;
          continue;
        }
        const std::lock_guard lock(mutex);
        EXPECT_TRUE(acknowledged.emplace(r.body["index"].get<std::uint64_t>(), id).second)
            << "index " << r.body["index"] << " acknowledged twice";
      }
    });
  }
  for (auto& w : workers) w.join();
  ASSERT_EQ(failures, 0);
  constexpr auto total = std::uint64_t{threads * per_thread};
  ASSERT_EQ(acknowledged.size(), total);
  EXPECT_EQ(acknowledged.rbegin()->first, total - 1);  // 0..total-1: no gaps

  // Every acknowledged report is the entry at its index.
  const auto l = ledger::Ledger::open(db_);
  ASSERT_EQ(l.size(), total);
  for (const auto& [index, id] : acknowledged) {
    ASSERT_NE(l.entry(index).value().body.find("\"" + id + "\""), std::string::npos) << index;
  }
  const auto registry = agree::read_registry(dir_ / "parties.json");
  ledger::VerifyOptions options;
  options.registry = &registry;
  options.kinds = &monitor::ledger_kinds();
  const auto verified = ledger::verify_ledger(db_, options);
  EXPECT_TRUE(verified.intact()) << (verified.problems.empty() ? "" : verified.problems.front());

  // Each instance's head is consistent with the other's, by a proof.
  const auto head0 = get(instances_[0].server->port(), "/ledger/head").body;
  call(1, "A", "POST", "/incidents", report("A", "A-late", 999));
  const auto head1 = get(instances_[1].server->port(), "/ledger/head").body;
  ASSERT_EQ(head0["size"], total);
  ASSERT_EQ(head1["size"], total + 1);
  const auto proof = get(instances_[1].server->port(),
                         "/ledger/proof/consistency?old=" + std::to_string(total) + "&new=" + std::to_string(total + 1))
                         .body;
  const auto key = l.info().verifier;
  for (const auto& head : {head0, head1}) {
    const auto check = ledger::check_proof(proof, head["note"].get<std::string>(), &key);
    EXPECT_TRUE(check.valid) << check.summary;
  }
}

TEST_F(Instances, ARequestAcceptedByOneIsRefusedByTheOther) {
  const auto body = report("A", "A-replayed", 1);
  const auto signature = sign_request(keys_.at("A"), "POST", "/incidents", body);
  const auto first = Client(instances_[0].server->port()).request("/incidents", "POST", body, headers(signature));
  ASSERT_EQ(first.status, 201) << first.text;
  const auto replay = Client(instances_[1].server->port()).request("/incidents", "POST", body, headers(signature));
  EXPECT_EQ(replay.status, 401) << replay.text;
  EXPECT_NE(replay.text.find("nonce"), std::string::npos) << replay.text;
  EXPECT_EQ(ledger::Ledger::open(db_).size(), 1u);
}

TEST_F(Instances, WhatOneStoresTheOtherServes) {
  const auto scenario = testing::read_text(testing::shipped_scenario("andorra-exercise.geojson"));
  ASSERT_EQ(call(0, "M", "POST", "/scenarios?name=andorra", scenario).status, 201);
  EXPECT_EQ(call(1, "M", "POST", "/scenarios?name=andorra", scenario).status, 409);
  const auto job = call(1, "M", "POST", "/plans", nlohmann::json{{"scenario", "andorra"}}.dump());
  ASSERT_EQ(job.status, 202) << job.text;
  instances_[1].service->finish_plans();
  const auto id = job.body["id"].get<std::string>();
  const auto seen = call(0, "A", "GET", "/plans/" + id);
  ASSERT_EQ(seen.status, 200) << seen.text;
  EXPECT_EQ(seen.body["status"], "done") << seen.text;
  // A session opened on one instance works on the other.
  const auto session = call(0, "A", "POST", "/sessions");
  ASSERT_EQ(session.status, 201) << session.text;
  const auto token = session.body["token"].get<std::string>();
  const auto current = Client(instances_[1].server->port())
                           .request("/sessions/current", "GET", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(current.status, 200) << current.text;
  EXPECT_EQ(current.body["party"], "A") << current.text;
}

// A job whose instance is gone is taken over by a live instance, at its
// next look, and planned; a live instance's job is left alone, even by an
// instance that starts meanwhile.
TEST_F(Instances, ALiveInstanceTakesOverTheJobsOfADeadOne) {
  const auto scenario = testing::read_text(testing::shipped_scenario("andorra-exercise.geojson"));
  ASSERT_EQ(call(0, "M", "POST", "/scenarios?name=andorra", scenario).status, 201);
  auto holder = open_store(db_);
  auto job = PlanRecord{};
  job.id = "plan-held";
  job.scenario = "andorra";
  job.status = JobStatus::running;
  job.runner = holder->instance();
  job.attempts = 1;
  job.summary = nullptr;
  holder->save_plan(job);
  const auto stored = [&] { return open_store(db_)->plan("plan-held").value(); };
  {
    Service third(testing::imported_extract("andorra-2021-10.osm.pbf"));
    third.attach_database(db_);
  }
  EXPECT_EQ(stored().status, JobStatus::running);
  EXPECT_EQ(stored().runner, holder->instance());
  const auto gone = holder->instance();
  holder.reset();  // its instance is gone, once the server has ended its session
  // The fixture's instances look every 0.2 s; a bound on the wait, not a
  // timing: the test fails rather than hangs.
  auto seen = call(0, "A", "GET", "/plans/plan-held");
  for (int i = 0; i < 600 && seen.body["status"] != "done"; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    seen = call(i % 2, "A", "GET", "/plans/plan-held");
  }
  EXPECT_EQ(seen.body["status"], "done") << seen.text;
  EXPECT_EQ(seen.body["attempts"], 2) << seen.text;
  EXPECT_NE(stored().runner, gone);
  EXPECT_EQ(call(1, "A", "GET", "/plans/plan-held/plan.json").status, 200);
}

// When the database ends the instances' sessions (an operator) or restarts,
// each opens its connections again at its next request: nothing to restart.
TEST_F(Instances, TheInstancesComeBackWhenTheDatabaseEndsTheirSessionsOrRestarts) {
  ASSERT_EQ(call(0, "A", "POST", "/incidents", report("A", "A-before", 1)).status, 201);
  EXPECT_GE(testing::terminate_sessions(db_), 4);  // each instance's ledger and store
  for (int i = 0; i < 2; ++i) {
    const auto r = call(i, "A", "POST", "/incidents", report("A", "A-after-" + std::to_string(i), 2 + i));
    EXPECT_EQ(r.status, 201) << r.text;
    const auto session = call(i, "B", "POST", "/sessions");
    EXPECT_EQ(session.status, 201) << session.text;
  }
  EXPECT_EQ(ledger::Ledger::open(db_).size(), 3u);
  // While the server is down, requests that need it fail and say why; once
  // it is back, they work again.
  auto& server = testing::PostgresServer::shared();
  server.stop();
  const auto down = call(0, "A", "POST", "/incidents", report("A", "A-down", 5));
  EXPECT_EQ(down.status, 500) << down.text;
  EXPECT_NE(down.text.find("PostgreSQL"), std::string::npos) << down.text;
  EXPECT_EQ(Client(instances_[1].server->port()).request("/health", "GET").status, 200);
  server.start();
  for (int i = 0; i < 2; ++i) {
    const auto r = call(i, "A", "POST", "/incidents", report("A", "A-back-" + std::to_string(i), 6 + i));
    EXPECT_EQ(r.status, 201) << r.text;
  }
  EXPECT_EQ(ledger::Ledger::open(db_).size(), 5u);
  EXPECT_TRUE(ledger::verify_ledger(db_, {}).intact());
}

}  // namespace
}  // namespace corridor::server::test
