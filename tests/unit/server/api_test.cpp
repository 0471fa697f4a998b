// The service's API through real HTTP on loopback, on the real Andorra
// extract and the shipped Andorra exercise: who may call what (signatures,
// replays, sessions, roles), scenario upload, planning jobs and their
// limits, agreements signed party by party into the ledger, incidents,
// violations, the road network and the page's files, and what survives a
// restart; on an SQLite file and on PostgreSQL alike.
#include <atomic>
#include <fstream>
#include <random>
#include <thread>

#include "corridor/agree/jws.hpp"
#include "corridor/agree/keys.hpp"
#include "corridor/ledger/verify.hpp"
#include "corridor/monitor/convoy_report.hpp"
#include "corridor/monitor/incident.hpp"
#include "corridor/monitor/kinds.hpp"
#include "corridor/server/request_signature.hpp"
#include "corridor/server/store.hpp"
#include "postgres.hpp"
#include "server_testing.hpp"

namespace corridor::server::test {
namespace {

Client::Headers signed_headers(const RequestSignature& s) {
  return {{std::string(k_header_key), s.kid},
          {std::string(k_header_time), s.time},
          {std::string(k_header_nonce), s.nonce},
          {std::string(k_header_signature), s.signature}};
}

// The whole API on both stores: an SQLite file, and a PostgreSQL database.
class Api : public ::testing::TestWithParam<testing::Backend> {
 protected:
  Api() : db_(testing::new_db(GetParam(), dir_, "corridor.db")) {}
  void SetUp() override { start(); }

  void start(ServiceOptions options = {}) {
    server_.reset();
    service_.reset();
    if (!ledger::ledger_exists(db())) {
      for (const auto* party : {"A", "B", "M"}) keys_.emplace(party, agree::generate_key(party));
      agree::Registry registry;
      agree::register_key(registry, keys_.at("A").public_key(), "Party A", std::nullopt);
      agree::register_key(registry, keys_.at("B").public_key(), "Party B", std::nullopt);
      agree::register_key(registry, keys_.at("M").public_key(), "Mediator", "mediator");
      agree::write_registry(registry, dir_ / "parties.json");
      ledger::Ledger::create(db(), {"corridor.test/api", dir_ / "log.key", dir_ / "parties.json"});
    }
    service_ = std::make_unique<Service>(testing::imported_extract("andorra-2021-10.osm.pbf"), options);
    service_->attach_database(db());
    server_ = std::make_unique<RunningServer>(*service_, 4, 1u << 20);  // the service's default limit
  }

  [[nodiscard]] const std::string& db() const { return db_; }
  const agree::SecretKey& key(const std::string& party) { return keys_.at(party); }

  // A request signed by `party` ("" for none).
  Reply call(const std::string& party, const std::string& method, const std::string& target,
             const std::string& body = "") {
    Client::Headers headers;
    if (!party.empty()) headers = signed_headers(sign_request(key(party), method, target, body));
    return Client(server_->port()).request(target, method, body, headers);
  }
  Reply with_token(const std::string& token, const std::string& method, const std::string& target,
                   const std::string& body = "") {
    return Client(server_->port()).request(target, method, body, {{"Authorization", "Bearer " + token}});
  }

  std::string scenario_text() { return testing::read_text(testing::shipped_scenario("andorra-exercise.geojson")); }

  void upload(const std::string& name = "andorra") {
    const auto r = call("M", "POST", "/scenarios?name=" + name, scenario_text());
    ASSERT_EQ(r.status, 201) << r.text;
  }

  std::string plan(const std::string& scenario = "andorra") {
    const auto r = call("M", "POST", "/plans", nlohmann::json{{"scenario", scenario}}.dump());
    EXPECT_EQ(r.status, 202) << r.text;
    service_->finish_plans();
    return r.body.value("id", "");
  }

  // A planned, proposed agreement; returns its hash.
  std::string propose() {
    upload();
    const auto id = plan();
    const auto r = call("M", "POST", "/agreements", nlohmann::json{{"plan", id}}.dump());
    EXPECT_EQ(r.status, 201) << r.text;
    return r.body.value("hash", "");
  }

  // `party`'s JWS signature object over the stored agreement.
  nlohmann::json signature_of(const std::string& party, const std::string& hash) {
    auto document = call(party, "GET", "/agreements/" + hash + "/document").body;
    agree::add_signature(document, key(party));  // appended: the stored copy has none of `party`'s
    return document["signatures"].back();
  }

  testing::TempDir dir_;
  std::string db_;
  std::map<std::string, agree::SecretKey> keys_;
  std::unique_ptr<Service> service_;
  std::unique_ptr<RunningServer> server_;
};

INSTANTIATE_TEST_SUITE_P(Both, Api, ::testing::Values(testing::Backend::sqlite, testing::Backend::postgresql),
                         [](const auto& param) { return std::string(testing::to_string(param.param)); });

TEST_P(Api, OpenEndpointsNeedNoParty) {
  EXPECT_EQ(call("", "GET", "/health").status, 200);
  EXPECT_EQ(call("", "GET", "/ledger/head").status, 200);
  const auto network = call("", "GET", "/network.geojson");
  ASSERT_EQ(network.status, 200);
  EXPECT_EQ(network.content_type, "application/geo+json");
  EXPECT_EQ(network.body["attribution"], "© OpenStreetMap contributors");
  const auto all = network.body["features"].size();
  EXPECT_GT(all, 1000u);
  // Every segment drawn once: the lines' length is the road network's (each
  // two-way segment counted once).
  const auto& g = service_->graph();
  double roads_m = 0;
  for (graph::ArcId a = 0; a < g.arc_count(); ++a) {
    const auto back = g.find_arc(g.head[a], g.tail[a]);
    if (back == graph::k_invalid || g.way_id[back] != g.way_id[a] || g.tail[a] < g.head[a]) roads_m += g.length_m[a];
  }
  double drawn_m = 0;
  for (const auto& f : network.body["features"]) {
    const auto& c = f["geometry"]["coordinates"];
    for (std::size_t i = 1; i < c.size(); ++i) {
      drawn_m += geo::distance_m({c[i - 1][0].get<double>(), c[i - 1][1].get<double>()},
                                 {c[i][0].get<double>(), c[i][1].get<double>()});
    }
  }
  EXPECT_NEAR(drawn_m, roads_m, roads_m * 0.001);
  EXPECT_LT(all, g.arc_count() / 4);  // joined into roads, not a feature per segment
  const auto& first = network.body["features"][0];
  EXPECT_EQ(first["geometry"]["type"], "LineString");
  EXPECT_TRUE(first["properties"]["oneway"].is_boolean());
  EXPECT_GT(first["properties"]["speed_kmh"].get<double>(), 0);
  // Andorra la Vella's centre only.
  const auto box = call("", "GET", "/network.geojson?bbox=1.51,42.50,1.53,42.51");
  ASSERT_EQ(box.status, 200);
  EXPECT_GT(box.body["features"].size(), 10u);
  EXPECT_LT(box.body["features"].size(), all / 4);
  EXPECT_EQ(call("", "GET", "/network.geojson?bbox=1,2,3").body["code"], "InvalidValue");
  EXPECT_EQ(call("", "GET", "/network.geojson?bbox=3,42,1,43").body["code"], "InvalidValue");
}

TEST_P(Api, ReadsNeedARegisteredParty) {
  for (const auto* target : {"/scenarios", "/plans", "/agreements", "/incidents", "/violations", "/parties"}) {
    const auto r = call("", "GET", target);
    EXPECT_EQ(r.status, 401) << target;
    EXPECT_EQ(r.body["code"], "Unauthorized") << target;
    EXPECT_EQ(call("A", "GET", target).status, 200) << target;
  }
  const auto parties = call("B", "GET", "/parties");
  ASSERT_EQ(parties.body["parties"].size(), 3u);
  EXPECT_EQ(parties.body["parties"][2]["role"], "mediator");
}

TEST_P(Api, SignaturesAreCheckedAndNeverReplayed) {
  const std::string body = nlohmann::json{{"scenario", "andorra"}}.dump();
  auto s = sign_request(key("M"), "POST", "/plans", body);
  auto send = [&](const RequestSignature& sig, const std::string& target, const std::string& b) {
    return Client(server_->port()).request(target, "POST", b, signed_headers(sig));
  };
  // The same signature on another body or another path does not verify.
  auto r = send(s, "/plans", nlohmann::json{{"scenario", "elsewhere"}}.dump());
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body["message"].get<std::string>().find("does not verify"), std::string::npos) << r.text;
  EXPECT_EQ(send(s, "/agreements", body).status, 401);
  // A forged signature: one character changed.
  auto forged = s;
  forged.signature[10] = forged.signature[10] == 'A' ? 'B' : 'A';
  EXPECT_EQ(send(forged, "/plans", body).status, 401);
  // An unregistered key.
  const auto stranger = agree::generate_key("X");
  r = send(sign_request(stranger, "POST", "/plans", body), "/plans", body);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body["message"].get<std::string>().find("not registered"), std::string::npos);
  // Stale or malformed time, malformed nonce, a missing header.
  r = send(sign_request(key("M"), "POST", "/plans", body, "2020-01-01T00:00:00Z"), "/plans", body);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body["message"].get<std::string>().find("from the service's clock"), std::string::npos) << r.text;
  r = send(sign_request(key("M"), "POST", "/plans", body, "yesterday"), "/plans", body);
  EXPECT_EQ(r.status, 401);
  auto short_nonce = s;
  short_nonce.nonce = "abc";
  EXPECT_EQ(send(short_nonce, "/plans", body).status, 401);
  auto headers = signed_headers(s);
  headers.erase(headers.begin() + 2);  // no nonce
  r = Client(server_->port()).request("/plans", "POST", body, headers);
  EXPECT_EQ(r.status, 401);
  EXPECT_NE(r.body["message"].get<std::string>().find("X-Corridor-Nonce"), std::string::npos);

  // The genuine request passes the signature check (the scenario is not
  // there: 400), once; sent again it is a replay, whatever it asks.
  upload();
  r = send(s, "/plans", body);
  EXPECT_EQ(r.status, 202) << r.text;
  r = send(s, "/plans", body);
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.body["code"], "Replayed");
  service_->finish_plans();
}

TEST_P(Api, RolesAndSessions) {
  upload();
  const auto r = call("A", "POST", "/plans", nlohmann::json{{"scenario", "andorra"}}.dump());
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(r.body["code"], "Forbidden");
  EXPECT_EQ(call("B", "POST", "/scenarios?name=mine", scenario_text()).status, 403);

  EXPECT_EQ(with_token("nonsense", "GET", "/plans").status, 401);
  const auto session = call("A", "POST", "/sessions");
  ASSERT_EQ(session.status, 201) << session.text;
  EXPECT_EQ(session.body["party"], "A");
  const auto token = session.body["token"].get<std::string>();
  EXPECT_EQ(with_token(token, "GET", "/scenarios").status, 200);
  const auto me = with_token(token, "GET", "/sessions/current");
  EXPECT_EQ(me.body["party"], "A");
  EXPECT_EQ(me.body["via"], "session");
  EXPECT_EQ(call("M", "GET", "/sessions/current").body["role"], "mediator");
  const auto write = with_token(token, "POST", "/incidents", "{}");
  EXPECT_EQ(write.status, 401);  // a session only reads
  EXPECT_NE(write.body["message"].get<std::string>().find("signed"), std::string::npos);
  EXPECT_EQ(with_token(token, "POST", "/sessions").status, 401);
}

TEST_P(Api, TheMediatorRegistersParties) {
  const auto c = agree::generate_key("C");
  nlohmann::json pub = {{"party", "C"},
                        {"kid", c.kid},
                        {"alg", "EdDSA"},
                        {"crv", "Ed25519"},
                        {"public_key", crypto::base64url(c.public_key().bytes)}};
  EXPECT_EQ(call("A", "POST", "/parties", pub.dump()).status, 403);
  auto r = call("M", "POST", "/parties", pub.dump());
  EXPECT_EQ(r.status, 400);  // a new party needs a name
  EXPECT_EQ(r.body["code"], "InvalidBody");
  pub["name"] = "Monitor C";
  r = call("M", "POST", "/parties", pub.dump());
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.body["registered"], true);
  keys_.emplace("C", c);
  EXPECT_EQ(call("C", "GET", "/parties").body["parties"].size(), 4u);
  auto bad = pub;
  bad["kid"] = "0000000000000000";
  EXPECT_EQ(call("M", "POST", "/parties", bad.dump()).status, 400);
  EXPECT_EQ(call("M", "POST", "/parties", "not json").body["code"], "InvalidBody");
}

TEST_P(Api, ScenarioUpload) {
  upload();
  auto r = call("M", "POST", "/scenarios?name=andorra", scenario_text());
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(call("M", "POST", "/scenarios?name=a/b", scenario_text()).body["code"], "InvalidValue");
  EXPECT_EQ(call("M", "POST", "/scenarios?name=a%20b", scenario_text()).body["code"], "InvalidValue");
  EXPECT_EQ(call("M", "POST", "/scenarios", scenario_text()).body["code"], "InvalidValue");

  auto broken = nlohmann::json::parse(scenario_text());
  broken["features"][0]["properties"]["people"] = -5;
  broken["features"][3]["geometry"]["coordinates"] = {500, 42.5};
  r = call("M", "POST", "/scenarios?name=broken", broken.dump());
  ASSERT_EQ(r.status, 400);
  EXPECT_EQ(r.body["code"], "InvalidScenario");
  ASSERT_GE(r.body["errors"].size(), 2u) << r.text;
  std::string paths;
  for (const auto& e : r.body["errors"]) paths += e["path"].get<std::string>() + " ";
  EXPECT_NE(paths.find("features[0]"), std::string::npos) << paths;
  EXPECT_NE(paths.find("features[3]"), std::string::npos) << paths;
  EXPECT_EQ(call("M", "POST", "/scenarios?name=text", "not a scenario").body["code"], "InvalidScenario");

  const auto list = call("A", "GET", "/scenarios");
  ASSERT_EQ(list.body["scenarios"].size(), 1u);
  EXPECT_EQ(list.body["scenarios"][0]["people"], 23000);
  EXPECT_EQ(list.body["scenarios"][0]["uploaded_by"], "M");
  const auto one = call("B", "GET", "/scenarios/andorra");
  EXPECT_EQ(one.content_type, "application/geo+json");
  EXPECT_EQ(one.text, scenario_text());
  EXPECT_EQ(call("B", "GET", "/scenarios/nothing").status, 404);
  // The route endpoint avoids an uploaded scenario's closures too.
  // An uploaded scenario's closures are for parties only.
  const std::string route = "/route/v1/driving/1.5218,42.5063;1.5833,42.5346?scenario=andorra";
  EXPECT_EQ(call("", "GET", route).status, 401);
  EXPECT_EQ(call("A", "GET", route).status, 200);
  EXPECT_EQ(call("", "GET", "/route/v1/driving/1.5218,42.5063;1.5833,42.5346").status, 200);
}

TEST_P(Api, PlanningJobs) {
  upload();
  EXPECT_EQ(call("M", "POST", "/plans", R"({"scenario": "nowhere"})").body["code"], "InvalidBody");
  EXPECT_EQ(call("M", "POST", "/plans", R"({"scenario": "andorra", "method": "best"})").body["code"], "InvalidBody");
  EXPECT_EQ(call("M", "POST", "/plans", R"({"scenario": "andorra", "speed": 1})").body["code"], "InvalidBody");
  EXPECT_EQ(call("M", "POST", "/plans", "{").body["code"], "InvalidBody");

  const auto started = call("M", "POST", "/plans", R"({"scenario": "andorra"})");
  ASSERT_EQ(started.status, 202) << started.text;
  const auto id = started.body["id"].get<std::string>();
  EXPECT_EQ(started.body["status"], "queued");
  service_->finish_plans();
  const auto job = call("A", "GET", "/plans/" + id);
  ASSERT_EQ(job.status, 200);
  EXPECT_EQ(job.body["status"], "done") << job.text;
  EXPECT_EQ(job.body["summary"]["people_evacuated"], 23000);
  EXPECT_EQ(job.body["progress"]["done"], job.body["progress"]["total"]);

  const auto json = call("A", "GET", "/plans/" + id + "/plan.json");
  EXPECT_EQ(json.content_type, "application/json");
  EXPECT_GT(json.body["movements"].size(), 0u);
  const auto geojson = call("A", "GET", "/plans/" + id + "/plan.geojson");
  EXPECT_EQ(geojson.content_type, "application/geo+json");
  EXPECT_EQ(geojson.body["features"].size(), json.body["movements"].size());
  const auto csv = call("A", "GET", "/plans/" + id + "/plan.csv");
  EXPECT_EQ(csv.content_type, "text/csv; charset=utf-8");
  EXPECT_EQ(csv.text.rfind("movement,id,origin,destination", 0), 0u);
  EXPECT_EQ(call("A", "GET", "/plans/plan-000000000000").status, 404);
  EXPECT_EQ(call("A", "GET", "/plans").body["plans"][0]["id"], id);
}

// A simulation job: queued by a signed request, its result and blocking
// roads once done, the same result as the library gives; bad bodies named;
// a cancelled job says so.
TEST_P(Api, SimulationJobs) {
  upload();
  const auto plan_id = plan();
  const nlohmann::json body = {{"runs", 20}, {"seed", 7}};
  auto r = call("A", "POST", "/plans/" + plan_id + "/simulate", body.dump());
  ASSERT_EQ(r.status, 202) << r.text;
  EXPECT_EQ(r.body["progress"]["total"], 20);
  const auto id = r.body["id"].get<std::string>();
  service_->finish_plans();
  r = call("B", "GET", "/simulations/" + id);
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["status"], "done") << r.text;
  EXPECT_EQ(r.body["progress"]["done"], 20);
  const auto& result = r.body["result"];
  EXPECT_EQ(result["runs"], 20);
  EXPECT_EQ(result["seed"], 7);
  EXPECT_LE(result["people_out"]["max"].get<double>(), 23000);
  EXPECT_FALSE(r.body["summary"].empty());
  const auto blocking = call("B", "GET", "/simulations/" + id + "/blocking.geojson");
  ASSERT_EQ(blocking.status, 200) << blocking.text;
  EXPECT_EQ(blocking.body["attribution"], "© OpenStreetMap contributors");
  const auto listed = call("B", "GET", "/simulations?plan=" + plan_id).body["simulations"];
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0]["id"], id);
  EXPECT_FALSE(listed[0].contains("result"));
  EXPECT_TRUE(call("B", "GET", "/simulations?plan=other").body["simulations"].empty());
  // The same request gives the same result, bit for bit.
  const auto again = call("A", "POST", "/plans/" + plan_id + "/simulate", body.dump()).body["id"].get<std::string>();
  service_->finish_plans();
  EXPECT_EQ(call("A", "GET", "/simulations/" + again).body["result"].dump(), result.dump());

  r = call("A", "POST", "/plans/" + plan_id + "/simulate", R"({"incidents": {"hazards": {"per_hour": -1}}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.text.find("incidents: hazards.per_hour"), std::string::npos) << r.text;
  EXPECT_EQ(call("A", "POST", "/plans/" + plan_id + "/simulate", R"({"runs": 0})").status, 400);
  EXPECT_EQ(call("A", "POST", "/plans/" + plan_id + "/simulate", R"({"speed": 1})").status, 400);
  EXPECT_EQ(call("A", "POST", "/plans/nothing/simulate", "{}").status, 404);
  EXPECT_EQ(call("A", "GET", "/simulations/sim-none").status, 404);

  // Cancelled: queued behind a long one, or stopped while it runs.
  const auto slow = call("A", "POST", "/plans/" + plan_id + "/simulate", R"({"runs": 10000})").body["id"];
  const auto next = call("A", "POST", "/plans/" + plan_id + "/simulate", R"({"runs": 5})").body["id"];
  r = call("B", "POST", "/simulations/" + next.get<std::string>() + "/cancel");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["status"], "cancelled");
  call("B", "POST", "/simulations/" + slow.get<std::string>() + "/cancel");
  service_->finish_plans();
  r = call("A", "GET", "/simulations/" + slow.get<std::string>());
  EXPECT_EQ(r.body["status"], "cancelled") << r.text;
  EXPECT_NE(r.body["error"].get<std::string>().find("cancelled by B"), std::string::npos) << r.text;
  EXPECT_EQ(call("A", "GET", "/simulations/" + slow.get<std::string>() + "/blocking.geojson").status, 409);
}

TEST_P(Api, PlanningWorkIsLimited) {
  ServiceOptions options;
  options.max_plan_jobs = 1;
  start(options);
  upload();
  const std::string body = R"({"scenario": "andorra"})";
  const auto first = call("M", "POST", "/plans", body);
  ASSERT_EQ(first.status, 202);
  // The first is still being planned (it takes a good part of a second).
  const auto early = call("A", "GET", "/plans/" + first.body["id"].get<std::string>() + "/plan.json");
  EXPECT_EQ(early.status, 409);
  EXPECT_EQ(early.body["code"], "NotReady");
  const auto second = call("M", "POST", "/plans", body);
  EXPECT_EQ(second.status, 503);
  EXPECT_EQ(second.body["code"], "Busy");
  service_->finish_plans();

  options.max_plan_seconds = 1e-6;
  options.max_optimal_nodes = 10'000'000;  // admits Andorra's optimal network, which the limit stops at once
  start(options);
  const auto id = plan();
  const auto job = call("A", "GET", "/plans/" + id);
  EXPECT_EQ(job.body["status"], "failed");
  EXPECT_NE(job.body["error"].get<std::string>().find("planning limit"), std::string::npos) << job.text;
  EXPECT_EQ(call("A", "GET", "/plans/" + id + "/plan.json").status, 409);
  // The optimal method stops at the limit too (it checks before every flow).
  const auto optimal = call("M", "POST", "/plans", R"({"scenario": "andorra", "method": "optimal"})");
  ASSERT_EQ(optimal.status, 202) << optimal.text;
  service_->finish_plans();
  const auto stopped = call("A", "GET", "/plans/" + optimal.body["id"].get<std::string>());
  EXPECT_EQ(stopped.body["status"], "failed");
  EXPECT_NE(stopped.body["error"].get<std::string>().find("planning limit"), std::string::npos) << stopped.text;
}

TEST_P(Api, AgreementsAreSignedPartyByPartyIntoTheLedger) {
  const auto hash = propose();
  auto record = call("A", "GET", "/agreements/" + hash);
  ASSERT_EQ(record.status, 200) << record.text;
  EXPECT_EQ(record.body["record"]["in_force"], false);
  EXPECT_EQ(record.body["record"]["missing"], nlohmann::json::array({"A", "B"}));

  // A forged signature, and the mediator (not a signatory), are refused.
  auto forged = signature_of("A", hash);
  auto text = forged["signature"].get<std::string>();
  text[5] = text[5] == 'x' ? 'y' : 'x';
  forged["signature"] = text;
  EXPECT_EQ(call("A", "POST", "/agreements/" + hash + "/signatures", forged.dump()).body["code"], "InvalidBody");
  const auto by_m = call("M", "POST", "/agreements/" + hash + "/signatures", signature_of("M", hash).dump());
  EXPECT_EQ(by_m.status, 400);
  EXPECT_NE(by_m.body["message"].get<std::string>().find("not a signatory"), std::string::npos) << by_m.text;

  // A signs with a signature object, B with the whole signed document.
  auto r = call("A", "POST", "/agreements/" + hash + "/signatures", signature_of("A", hash).dump());
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["signed_by"], nlohmann::json::array({"A"}));
  EXPECT_TRUE(r.body["ledger_entry"].is_null());
  auto document = call("B", "GET", "/agreements/" + hash + "/document").body;
  agree::add_signature(document, key("B"));
  r = call("B", "POST", "/agreements/" + hash + "/signatures", document.dump());
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["in_force"], true);
  EXPECT_EQ(r.body["ledger_entry"], 0);
  EXPECT_EQ(call("", "GET", "/ledger/head").body["size"], 1);
  EXPECT_EQ(call("B", "POST", "/agreements/" + hash + "/signatures", document.dump()).body["code"], "InvalidBody");

  const auto verdict = call("A", "GET", "/agreements/" + hash + "/verify");
  ASSERT_EQ(verdict.status, 200);
  EXPECT_EQ(verdict.body["lines"].back().get<std::string>().rfind("IN FORCE", 0), 0u) << verdict.text;

  // A second version from a new plan replaces the first; the diff says so.
  const auto id = plan();
  const auto second = call("M", "POST", "/agreements", nlohmann::json{{"plan", id}}.dump());
  ASSERT_EQ(second.status, 201) << second.text;
  EXPECT_EQ(second.body["version"], 2);
  EXPECT_EQ(second.body["replaces"], hash);
  const auto h2 = second.body["hash"].get<std::string>();
  const auto diff = call("A", "GET", "/agreements/" + hash + "/diff/" + h2);
  ASSERT_EQ(diff.status, 200) << diff.text;
  EXPECT_FALSE(diff.body["lines"].empty());
  EXPECT_EQ(call("A", "GET", "/agreements").body["agreements"].size(), 2u);
  EXPECT_EQ(call("A", "GET", "/agreements/sha256:00").status, 404);
}

TEST_P(Api, IncidentsAndViolations) {
  const auto hash = propose();
  call("A", "POST", "/agreements/" + hash + "/signatures", signature_of("A", hash).dump());
  call("B", "POST", "/agreements/" + hash + "/signatures", signature_of("B", hash).dump());

  monitor::Incident incident;
  incident.id = "B-1";
  incident.reported_by = "B";
  incident.time = geo::unix_seconds(1646472000);  // 2022-03-05T09:20:00Z, inside the ceasefire window
  incident.where = {1.5070, 42.4958};
  incident.event_type = "Explosions/Remote violence";
  incident.description = "shells land beside the convoy road at Santa Coloma";
  auto report = agree::make_signed(monitor::incident_document(incident));
  auto by_a = report;
  agree::add_signature(by_a, key("A"));
  auto r = call("A", "POST", "/incidents", by_a.dump());
  EXPECT_EQ(r.status, 400);  // says it is B's report, signed by A only
  EXPECT_NE(r.body["message"].get<std::string>().find("no valid signature"), std::string::npos) << r.text;
  EXPECT_EQ(call("B", "POST", "/incidents", report.dump()).body["code"], "InvalidBody");  // unsigned

  agree::add_signature(report, key("B"));
  r = call("B", "POST", "/incidents", report.dump());
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.body["index"], 1);

  auto bad = monitor::incident_document(incident);
  bad["fatalities"] = -1;
  auto bad_signed = agree::make_signed(bad);
  agree::add_signature(bad_signed, key("B"));
  r = call("B", "POST", "/incidents", bad_signed.dump());
  EXPECT_EQ(r.status, 400);
  ASSERT_EQ(r.body["errors"].size(), 1u) << r.text;
  EXPECT_EQ(r.body["errors"][0]["path"], "fatalities");

  const auto list = call("A", "GET", "/incidents");
  ASSERT_EQ(list.body["incidents"].size(), 1u);
  EXPECT_EQ(list.body["incidents"][0]["reported_by"], "B");
  EXPECT_EQ(list.body["incidents"][0]["entry"], 1);
  const auto violations = call("A", "GET", "/violations");
  ASSERT_EQ(violations.status, 200) << violations.text;
  EXPECT_EQ(violations.body["agreements_in_force"], 1);
  EXPECT_EQ(violations.body["possible_violations"].size(), 1u) << violations.text;
}

TEST_P(Api, ConcurrentWritesKeepTheLedgerWhole) {
  // Four threads each report five incidents at once, while a fifth reads.
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string party = t % 2 == 0 ? "A" : "B";
      for (int i = 0; i < 5; ++i) {
        monitor::Incident incident;
        incident.id = party + "-" + std::to_string(t) + "-" + std::to_string(i);
        incident.reported_by = party;
        incident.time = geo::unix_seconds(1646472000) + std::chrono::minutes(i);
        incident.where = {1.5070, 42.4958};
        incident.event_type = "Violence against civilians";
        auto report = agree::make_signed(monitor::incident_document(incident));
        agree::add_signature(report, key(party));
        if (call(party, "POST", "/incidents", report.dump()).status == 201) ++created;
      }
    });
  }
  threads.emplace_back([&] {
    for (int i = 0; i < 20; ++i) EXPECT_EQ(call("M", "GET", "/incidents").status, 200);
  });
  for (auto& t : threads) t.join();
  EXPECT_EQ(created, 20);
  EXPECT_EQ(call("A", "GET", "/incidents").body["incidents"].size(), 20u);
  EXPECT_EQ(call("", "GET", "/ledger/head").body["size"], 20);
  const auto registry = agree::read_registry(dir_ / "parties.json");
  ledger::VerifyOptions options;
  options.registry = &registry;
  options.kinds = &monitor::ledger_kinds();
  const auto report = ledger::verify_ledger(db(), options);
  EXPECT_TRUE(report.intact()) << (report.problems.empty() ? "" : report.problems.front());
  EXPECT_EQ(report.entries, 20u);
}

// A stopping service hands its unfinished job back; the next start takes
// it over and plans it, and the stop does not count as an attempt.
TEST_P(Api, StoppingDuringAPlanHandsItToTheNextStart) {
  upload();
  const auto started = call("M", "POST", "/plans", R"({"scenario": "andorra"})");
  ASSERT_EQ(started.status, 202);
  const auto id = started.body["id"].get<std::string>();
  server_.reset();  // the service goes, its planning thread with it
  service_.reset();
  const auto left = open_store(db())->plan(id).value();
  EXPECT_TRUE(left.status == JobStatus::queued || left.status == JobStatus::done) << to_string(left.status);
  if (left.status == JobStatus::queued) {
    EXPECT_EQ(left.attempts, 0);
    EXPECT_EQ(left.error, "");
  }
  start();  // and comes back
  service_->finish_plans();
  const auto job = call("A", "GET", "/plans/" + id);
  EXPECT_EQ(job.body["status"], "done") << job.text;
  EXPECT_EQ(job.body["attempts"], 1) << job.text;
  EXPECT_EQ(job.body["error"], nullptr) << job.text;
}

TEST_P(Api, EverythingSurvivesARestartAndOrphanedJobsAreTakenOver) {
  const auto hash = propose();
  {
    auto store = open_store(db());
    PlanRecord orphan;
    orphan.id = "plan-orphan";  // its instance was killed while planning it, once
    orphan.scenario = "andorra";
    orphan.method = plan::Method::ccrp;
    orphan.status = JobStatus::running;
    orphan.runner = "gone";
    orphan.attempts = 1;
    orphan.summary = nullptr;
    store->save_plan(orphan);
    auto fatal = orphan;  // ... and this one's, as often as is tried
    fatal.id = "plan-fatal";
    fatal.attempts = 3;  // Plans::k_max_attempts
    store->save_plan(fatal);
    const auto at = [](std::int64_t s) { return geo::unix_seconds(s); };
    EXPECT_TRUE(store->spend_nonce("k", "n", at(100), at(0)));
    EXPECT_FALSE(store->spend_nonce("k", "n", at(101), at(0)));
    EXPECT_TRUE(store->spend_nonce("k", "n", at(2000), at(1000)));  // forgotten after its time
  }
  start();
  service_->finish_plans();
  EXPECT_EQ(call("A", "GET", "/scenarios").body["scenarios"].size(), 1u);
  EXPECT_EQ(call("A", "GET", "/agreements/" + hash).status, 200);
  const auto orphan = call("A", "GET", "/plans/plan-orphan");
  EXPECT_EQ(orphan.body["status"], "done") << orphan.text;
  EXPECT_EQ(orphan.body["attempts"], 2) << orphan.text;
  EXPECT_EQ(call("A", "GET", "/plans/plan-orphan/plan.csv").status, 200);
  const auto fatal = call("A", "GET", "/plans/plan-fatal");
  EXPECT_EQ(fatal.body["status"], "failed") << fatal.text;
  EXPECT_NE(fatal.body["error"].get<std::string>().find("3 times"), std::string::npos) << fatal.text;
  EXPECT_EQ(call("A", "GET", "/plans").body["plans"].size(), 3u);
}

TEST_P(Api, BadBodiesAndTargetsGetA4xxNeverACrash) {
  const auto hash = propose();
  std::mt19937 random(testing::test_seed());
  std::string noise(2000, '\0');
  for (auto& c : noise) c = static_cast<char>(random() & 0xFF);
  const std::vector<std::string> bodies = {"",
                                           "null",
                                           "[]",
                                           "{}",
                                           "\"text\"",
                                           "42",
                                           R"({"scenario": 5})",
                                           R"({"plan": ["x"]})",
                                           R"({"protected": 1, "signature": {}})",
                                           R"({"payload": "", "signatures": "none"})",
                                           std::string(100000, '['),
                                           noise};
  for (const auto& e : api_endpoints()) {
    if (e.method != "POST") continue;
    std::string target = e.pattern;
    if (const auto star = target.find('*'); star != std::string::npos) target.replace(star, 1, hash);
    if (target == "/scenarios") target += "?name=fuzz";
    for (const auto& body : bodies) {
      if (target == "/sessions" && body.empty()) continue;  // the one valid body there
      const auto r = call("M", "POST", target, body);
      EXPECT_GE(r.status, 400) << target << " " << body.substr(0, 40);
      EXPECT_LT(r.status, 500) << target << " " << body.substr(0, 40) << " " << r.text;
      EXPECT_TRUE(r.body.is_object() && r.body.contains("code")) << target << " " << r.text;
    }
  }
  for (const std::string& target : std::vector<std::string>{
           "/%", "/plans/%zz", "/plans/" + std::string(5000, 'x'), "/agreements//verify", "/scenarios/..%2f..%2fetc",
           "//", "/route/v1/driving/;", "/network.geojson?bbox=nan,nan,nan,nan"}) {
    const auto r = call("A", "GET", target);
    EXPECT_GE(r.status, 400) << target;
    EXPECT_LT(r.status, 500) << target << " " << r.text;
  }
  EXPECT_EQ(call("", "GET", "/health").status, 200);  // still serving
}

// One signed request nesting 50,000 levels (100 KB, far below the body
// limit) used to overflow the stack in the copies and the canonicaliser.
TEST_P(Api, DeeplyNestedBodiesAreRefusedAtParseTime) {
  const auto hash = propose();
  const std::string nested = std::string(50000, '[') + std::string(50000, ']');
  monitor::Incident incident;
  incident.id = "B-9";
  incident.reported_by = "B";
  incident.time = geo::unix_seconds(1646472000);
  incident.where = {1.5070, 42.4958};
  incident.event_type = "Explosions/Remote violence";
  auto report = agree::make_signed(monitor::incident_document(incident));
  agree::add_signature(report, key("B"));
  std::string report_text = report.dump();
  report_text.insert(1, "\"extra\": " + nested + ", ");
  const std::vector<std::string> bodies = {nested,
                                           R"({"protected": "e30", "signature": "AA", "header": )" + nested + "}",
                                           R"({"document": )" + nested + "}", report_text};
  for (const auto& e : api_endpoints()) {
    if (e.method != "POST" || e.pattern == "/sessions") continue;
    std::string target = e.pattern;
    if (const auto star = target.find('*'); star != std::string::npos) target.replace(star, 1, hash);
    if (target == "/scenarios") target += "?name=deep";
    for (const auto& body : bodies) {
      const auto r = call("M", "POST", target, body);
      EXPECT_EQ(r.status, 400) << target << " " << r.text.substr(0, 200);
      EXPECT_NE(r.text.find("nested deeper than"), std::string::npos) << target << " " << r.text.substr(0, 200);
    }
  }
  // Also where the agreement does not exist, and as B's own report.
  EXPECT_EQ(call("A", "POST", "/agreements/" + std::string(64, 'a') + "/signatures", bodies[1]).status, 400);
  EXPECT_EQ(call("B", "POST", "/incidents", report_text).status, 400);
  EXPECT_EQ(call("", "GET", "/health").status, 200);  // still serving
}

TEST_P(Api, ErrorsAndThePage) {
  EXPECT_EQ(call("A", "DELETE", "/plans").status, 405);
  EXPECT_EQ(call("A", "GET", "/plans?x=1").body["code"], "InvalidUrl");
  EXPECT_EQ(call("A", "GET", "/nothing/here").status, 404);
  const auto page = call("", "GET", "/");  // no web folder: says how to build it
  EXPECT_EQ(page.status, 200);
  EXPECT_EQ(page.content_type, "text/html; charset=utf-8");
  EXPECT_NE(page.text.find("OpenStreetMap contributors"), std::string::npos);

  const auto web = dir_ / "web";
  std::filesystem::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>map</title>";
  std::ofstream(web / "assets" / "app.js") << "console.log(1);";
  std::ofstream(dir_ / "secret.txt") << "not for the web";
  ServiceOptions options;
  options.web_dir = web;
  start(options);
  EXPECT_EQ(call("", "GET", "/").text, "<!doctype html><title>map</title>");
  const auto js = call("", "GET", "/assets/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(call("", "GET", "/../secret.txt").status, 404);
  EXPECT_EQ(call("", "GET", "/assets/%2e%2e/%2e%2e/secret.txt").status, 404);
}

}  // namespace
}  // namespace corridor::server::test

namespace corridor::server::test {
namespace {

// The operation over HTTP: convoy reports checked on arrival, the status,
// a re-plan with an event that becomes version 2 of the agreement.
TEST_P(Api, OperationsReportsStatusAndReplan) {
  const auto hash = propose();
  call("A", "POST", "/agreements/" + hash + "/signatures", signature_of("A", hash).dump());
  call("B", "POST", "/agreements/" + hash + "/signatures", signature_of("B", hash).dump());
  const auto plan_id = call("M", "GET", "/plans").body["plans"][0]["id"].get<std::string>();

  auto report = [&](const std::string& party, const std::string& movement, const std::string& time) {
    monitor::ConvoyReportDoc r;
    r.id = party + "-" + movement + "-" + time;
    r.reported_by = party;
    r.movement = movement;
    r.status = monitor::ConvoyStatus::departed;
    r.time = geo::parse_rfc3339(time)->utc;
    auto doc = agree::make_signed(monitor::convoy_report_document(r));
    agree::add_signature(doc, key(party));
    return doc;
  };
  const auto departed = report("A", "m1", "2022-03-05T08:02:00Z");
  auto r = call("A", "POST", "/reports", departed.dump());
  ASSERT_EQ(r.status, 201) << r.text;
  r = call("A", "POST", "/reports", departed.dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.text.find("replayed"), std::string::npos) << r.text;
  r = call("A", "POST", "/reports", report("A", "m99999", "2022-03-05T08:02:00Z").dump());
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.text.find("not in the agreement in force"), std::string::npos) << r.text;

  r = call("B", "GET", "/status?at=2022-03-05T08:10:00Z");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_FALSE(r.body["movements"].empty());
  const auto convoys = call("B", "GET", "/status.geojson?at=2022-03-05T08:10:00Z").body;
  EXPECT_EQ(convoys["type"], "FeatureCollection");
  EXPECT_EQ(convoys["agreement"]["version"], 1);  // the map shows this version's plan
  EXPECT_EQ(convoys["agreement"]["hash"], hash);

  const auto events =
      nlohmann::json::parse(testing::read_text(testing::example("operations/andorra-cg1-shelling.geojson")));
  const nlohmann::json body = {{"at", "2022-03-05T08:30:00Z"}, {"events", events}};
  EXPECT_EQ(call("B", "POST", "/plans/" + plan_id + "/replan", body.dump()).status, 403);  // the mediator's
  r = call("M", "POST", "/plans/" + plan_id + "/replan", body.dump());
  ASSERT_EQ(r.status, 201) << r.text;
  const auto replanned = r.body["id"].get<std::string>();
  EXPECT_EQ(r.body["status"], "done");
  const auto doc = nlohmann::json::parse(call("A", "GET", "/plans/" + replanned + "/plan.json").text);
  EXPECT_EQ(doc["replan"]["of_plan"], plan_id);
  r = call("M", "POST", "/agreements", nlohmann::json{{"plan", replanned}}.dump());
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.body["version"], 2) << r.text;  // amends version 1 of the same scenario
  EXPECT_EQ(
      call("M", "POST", "/plans/" + plan_id + "/replan", nlohmann::json{{"at", "2030-01-01T00:00:00Z"}}.dump()).status,
      400);
}

}  // namespace
}  // namespace corridor::server::test
