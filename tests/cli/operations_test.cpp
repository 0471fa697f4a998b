// The operation's loop through the real binary, on the Andorra exercise: a
// plan agreed and logged; convoy reports checked on arrival (forged,
// replayed, unknown-movement and out-of-time ones refused); a shelling
// reported during the operation; the re-plan, valid for the scenario with
// the event and with history intact; version 2 proposed as an amendment
// and signed by both parties; status, and violations matched against the
// version in force at each incident's time.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "corridor/agree/jws.hpp"
#include "corridor/crypto/crypto.hpp"
#include "corridor/geo/time.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/monitor/convoy_report.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

using nlohmann::json;

class CliOperations : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    const auto scenario = shipped_scenario("andorra-exercise.geojson").string();
    run({"import", osm_extract("andorra-2021-10.osm.pbf").string(), "-o", p("map.graph"), "--quiet"});
    run({"plan", p("map.graph"), scenario, "-o", p("plan.json"), "--quiet"});
    for (const char* party : {"A", "B", "M"}) {
      run({"keygen", "--party", party, "-o", p(std::string(party) + ".key")});
      run({"agree", "register", "--registry", p("parties.json"), "--pub", p(std::string(party) + ".pub"), "--name",
           std::string("Party ") + party});
    }
    run({"agree", "propose", p("plan.json"), "--scenario", scenario, "--map", p("map.graph"), "-o", p("v1.json")});
    run({"agree", "sign", p("v1.json"), "--key", p("A.key"), "--time", "2022-03-05T08:30:00+01:00"});
    run({"agree", "sign", p("v1.json"), "--key", p("B.key"), "--time", "2022-03-05T08:40:00+01:00"});
    run({"log", "init", "--db", p("ledger.db"), "--name", "corridor.test/ops", "--registry", p("parties.json")});
    run({"log", "append", "--db", p("ledger.db"), p("v1.json")});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static CommandResult run(const std::vector<std::string>& args, int expected = 0) {
    const auto r = run_corridor(args);
    if (r.exit_code != expected)
      ADD_FAILURE() << args[0] << " " << (args.size() > 1 ? args[1] : "") << " exited " << r.exit_code << ": " << r.err
                    << r.out;
    return r;
  }
  static std::string p(const std::string& name) { return (dir_->path() / name).string(); }
  static json read_json(const std::string& name) {
    std::ifstream in(p(name));
    return json::parse(in);
  }
  static std::string scenario() { return shipped_scenario("andorra-exercise.geojson").string(); }
  static std::string events() { return example("operations/andorra-cg1-shelling.geojson").string(); }
  // A movement of the plan on the road at 09:30 local, and a node of its path.
  static std::pair<std::string, std::int64_t> on_road() {
    const auto plan = read_json("plan.json");
    for (const auto& m : plan["movements"]) {
      if (m["times_s"].front().get<double>() < 1800 && m["times_s"].back().get<double>() > 1800)
        return {m["id"], m["path"][m["path"].size() / 3]};
    }
    return {"", 0};
  }
  static CommandResult report(const std::vector<std::string>& extra) {
    std::vector<std::string> args{"report", "--db", p("ledger.db"), "--map", p("map.graph")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_corridor(args);
  }
  // A position report signed in this process, as `corridor report --key
  // ... -o name` writes it (ReportsAreCheckedOnArrival runs the command):
  // 80 of them are written per run of the test below.
  static void write_position_report(const std::string& key_file, const std::string& movement, std::int64_t node,
                                    const std::string& time, const std::string& name) {
    const auto key = agree::read_secret_key(p(key_file));
    monitor::ConvoyReportDoc r;
    r.status = monitor::ConvoyStatus::position;
    r.time = geo::parse_rfc3339(time).value().utc;
    r.movement = movement;
    r.reported_by = key.party;
    r.node = node;
    r.id = key.party + "-" + movement + "-position-" + geo::format_utc(r.time);
    auto doc = agree::make_signed(monitor::convoy_report_document(r));
    agree::add_signature(doc, key);
    agree::write_signed(doc, p(name));
  }
  static TempDir* dir_;
};
TempDir* CliOperations::dir_ = nullptr;

TEST_F(CliOperations, ReportsAreCheckedOnArrival) {
  const auto [movement, node] = on_road();
  ASSERT_FALSE(movement.empty());
  const auto ok = report({"--key", p("A.key"), "--movement", movement, "--status", "position", "--time",
                          "2022-03-05T09:20:00+01:00", "--node", std::to_string(node)});
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_TRUE(has(ok.out, "\"index\""));

  const auto unknown = report(
      {"--key", p("A.key"), "--movement", "m99999", "--status", "departed", "--time", "2022-03-05T09:20:00+01:00"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_TRUE(has(unknown.err, "movement \"m99999\" is not in the agreement in force")) << unknown.err;

  const auto late = report(
      {"--key", p("A.key"), "--movement", movement, "--status", "departed", "--time", "2022-03-07T09:20:00+01:00"});
  EXPECT_EQ(late.exit_code, 1);
  EXPECT_TRUE(has(late.err, "outside the agreement's span")) << late.err;

  const auto far = report({"--key", p("A.key"), "--movement", movement, "--status", "position", "--time",
                           "2022-03-05T09:21:00+01:00", "--at", "1.70,42.60"});
  EXPECT_EQ(far.exit_code, 1);
  EXPECT_TRUE(has(far.err, "from movement " + movement + "'s route")) << far.err;

  // `log append` leaves convoy reports to `corridor report`, which checks them.
  run({"report", "--key", p("A.key"), "--movement", movement, "--status", "departed", "--time",
       "2022-03-05T09:00:00+01:00", "-o", p("departed.json")});
  const auto unchecked = run_corridor({"log", "append", "--db", p("ledger.db"), p("departed.json")});
  EXPECT_EQ(unchecked.exit_code, 1);
  EXPECT_TRUE(has(unchecked.err, "corridor report")) << unchecked.err;

  // Written once, appended twice: the replay is refused.
  run({"report", "--key", p("B.key"), "--movement", movement, "--status", "delayed", "--delay-min", "10", "--time",
       "2022-03-05T09:22:00+01:00", "-o", p("delayed.json")});
  EXPECT_EQ(report({p("delayed.json")}).exit_code, 0);
  const auto replay = report({p("delayed.json")});
  EXPECT_EQ(replay.exit_code, 1);
  EXPECT_TRUE(has(replay.err, "replayed")) << replay.err;

  // A report in party A's name signed by a key the registry does not know.
  run({"keygen", "--party", "A", "-o", p("impostor.key")});
  run({"report", "--key", p("impostor.key"), "--movement", movement, "--status", "stopped", "--reason", "x", "--time",
       "2022-03-05T09:23:00+01:00", "-o", p("forged.json")});
  const auto refused = report({p("forged.json")});
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(has(refused.err, "refused")) << refused.err;
  EXPECT_TRUE(has(refused.err, "key")) << refused.err;
}

// kill -9 during report appends, round after round: every acknowledged
// report is in the ledger, and the ledger verifies.
TEST_F(CliOperations, AcknowledgedReportsSurviveSigkill) {
  const auto [movement, node] = on_road();
  ASSERT_FALSE(movement.empty());
  std::mt19937_64 rng(test_seed());
  std::uniform_int_distribution<int> delay_ms(150, 900);
  std::map<std::uint64_t, std::string> acknowledged;  // index -> leaf hash
  int slower = 1;
  for (int round = 0; round < 10; ++round) {
    std::vector<std::string> args{"report", "--db", p("ledger.db"), "--map", p("map.graph")};
    for (int k = 0; k < 8; ++k) {
      const auto name = "kill-" + std::to_string(round) + "-" + std::to_string(k) + ".json";
      char time[64];
      std::snprintf(time, sizeof time, "2022-03-05T09:%02d:%02d+01:00", 10 + round, 6 * k);
      write_position_report(k % 2 ? "A.key" : "B.key", movement, node, time, name);
      args.push_back(p(name));
    }
    const auto out = run_then_kill(args, std::chrono::milliseconds(delay_ms(rng) * slower));
    if (out.empty() && slower < 8) slower *= 2;  // a slow build: let it reach the appends
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      const auto ack = json::parse(line);
      acknowledged[ack["index"].get<std::uint64_t>()] = ack["leaf_hash"].get<std::string>();
    }
    const auto verify = run_corridor({"log", "verify", "--db", p("ledger.db")});
    ASSERT_EQ(verify.exit_code, 0) << "after round " << round << ": " << verify.out << verify.err;
  }
  EXPECT_GE(acknowledged.size(), 5u) << "too few reports were acknowledged before the kills";
  // Read in this process (`log verify` ran the binary after every round).
  const auto log = ledger::Ledger::open(p("ledger.db"));
  for (const auto& [index, hash] : acknowledged) {
    const auto entry = log.entry(index);
    ASSERT_TRUE(entry) << "acknowledged report " << index << " is gone";
    EXPECT_EQ(crypto::hex(entry->leaf_hash), hash) << index;
  }
}

TEST_F(CliOperations, BadReplanInputsNameTheFieldAndExitTwo) {
  auto replan = [&](const std::vector<std::string>& extra) {
    std::vector<std::string> args{"replan", p("map.graph"), scenario(), p("plan.json"), "-o", p("bad.json")};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_corridor(args);
  };
  auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(p(name)) << text;
    return p(name);
  };
  auto r = replan({"--at", "2022-03-07T09:30:00+01:00"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--at") && has(r.err, "outside the scenario")) << r.err;
  r = replan({"--at", "soon"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--at")) << r.err;
  r = replan({"--at", "1800", "--events",
              write("e1.json", R"({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null,
                 "properties": {"kind": "checkpoint", "id": "nope", "vehicles_per_hour": 10}}]})")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "events.features[0].geometry") && has(r.err, "no checkpoint \"nope\"")) << r.err;
  r = replan({"--at", "1800", "--events",
              write("e2.json", R"({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": null,
                 "properties": {"kind": "destination", "id": "south-reception", "capacity": -5}}]})")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "properties.capacity") && has(r.err, "-5")) << r.err;
  r = replan(
      {"--at", "1800", "--reports", write("r.json", R"([{"type": "corridor-convoy-report", "movement": "m1"}])")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "r.json[0]") && has(r.err, "reported_by: is required")) << r.err;
  r = replan({"--at", "1800", "--delay-within=-5"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "--delay-within") && has(r.err, "got -5")) << r.err;
  r = replan({"--at", "1800", "--events", write("e3.json", "{not json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(has(r.err, "e3.json")) << r.err;
}

TEST_F(CliOperations, ReplanAmendStatusAndViolationsByVersion) {
  // The shelling is reported at 09:30 local; the rest is re-planned from there.
  const auto replanned = run({"replan", p("map.graph"), scenario(), p("plan.json"), "--at", "2022-03-05T09:30:00+01:00",
                              "--events", events(), "--db", p("ledger.db"), "--write-scenario", p("merged.geojson"),
                              "-o", p("plan2.json"), "--diff", "--quiet"});
  EXPECT_TRUE(has(replanned.out, "diverted")) << replanned.out;
  EXPECT_TRUE(has(replanned.out, "people out:")) << replanned.out;
  const auto check = run({"check", p("map.graph"), p("merged.geojson"), p("plan2.json")});
  EXPECT_TRUE(has(check.err + check.out, "plan is valid")) << check.err;

  // History before 09:30 local (1800 s) is the same, movement by movement.
  const auto before = read_json("plan.json");
  const auto after = read_json("plan2.json");
  std::map<std::string, json> by_id;
  for (const auto& m : after["movements"]) by_id[m["id"]] = m;
  for (const auto& m : before["movements"]) {
    if (m["times_s"].front().get<double>() >= 1800) continue;  // reports move a convoy's future, not its record
    ASSERT_TRUE(by_id.contains(m["id"])) << m["id"] << " departed before the re-plan and is gone";
    const auto& n = by_id[m["id"]];
    for (std::size_t k = 0; k < m["path"].size() && m["times_s"][k].get<double>() < 1800; ++k) {
      ASSERT_EQ(n["path"][k], m["path"][k]) << m["id"] << " path[" << k << "]";
      ASSERT_EQ(n["times_s"][k], m["times_s"][k]) << m["id"] << " times_s[" << k << "]";
    }
  }
  EXPECT_TRUE(after.contains("replan"));

  // Version 2 amends version 1; it is in force once both have signed (10:00).
  run({"agree", "propose", p("plan2.json"), "--scenario", p("merged.geojson"), "--map", p("map.graph"), "--amends",
       p("v1.json"), "-o", p("v2.json")});
  const auto diff = run({"agree", "diff", p("v1.json"), p("v2.json")});
  EXPECT_TRUE(has(diff.out, "version 2 replaces version 1")) << diff.out;
  EXPECT_TRUE(has(diff.out, "diverted: was corridor")) << diff.out;
  run({"agree", "sign", p("v2.json"), "--key", p("A.key"), "--time", "2022-03-05T09:50:00+01:00"});
  run({"agree", "sign", p("v2.json"), "--key", p("B.key"), "--time", "2022-03-05T10:00:00+01:00"});
  run({"log", "append", "--db", p("ledger.db"), p("v2.json")});

  const auto status = run({"status", "--db", p("ledger.db"), "--map", p("map.graph"), "--at",
                           "2022-03-05T10:05:00+01:00", "--json", "--geojson", p("status.geojson")});
  const auto s = json::parse(status.out);
  EXPECT_TRUE(has(s["agreement"].get<std::string>(), "version 2")) << s["agreement"];
  EXPECT_FALSE(s["movements"].empty());
  EXPECT_EQ(read_json("status.geojson")["type"], "FeatureCollection");

  // Incidents on the route at 09:40 (version 1 in force) and 10:30 (version 2).
  const auto v1 = read_json("v1.json")["document"];
  const auto& w = v1["corridors"][0]["route"]["waypoints"][1];
  const auto at = std::to_string(w["lon"].get<double>()) + "," + std::to_string(w["lat"].get<double>());
  for (const auto& [id, time] :
       {std::pair("early", "2022-03-05T09:40:00+01:00"), std::pair("later", "2022-03-05T10:30:00+01:00")}) {
    run({"incident", "report", "--key", p("B.key"), "--time", time, "--at", at, "--type", "Explosions/Remote violence",
         "--id", id, "-o", p(std::string(id) + ".json")});
    run({"log", "append", "--db", p("ledger.db"), p(std::string(id) + ".json")});
  }
  const auto violations =
      json::parse(run({"violations", "--db", p("ledger.db"), "--map", p("map.graph"), "--json"}).out);
  std::map<std::string, std::int64_t> version_of;
  for (const auto& v : violations["possible_violations"]) {
    version_of[v["incident"]["id"]] = v["agreement"]["version"];
    EXPECT_TRUE(has(v["agreement"]["in_force"].get<std::string>(), "in force")) << v;
  }
  EXPECT_EQ(version_of["early"], 1) << violations.dump(1);
  EXPECT_EQ(version_of["later"], 2) << violations.dump(1);
}

}  // namespace
}  // namespace corridor::testing
