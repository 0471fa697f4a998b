// The whole record, through the real binary: an agreement made from the
// Andorra plan, signed by both parties and logged; incident reports near and
// far from its corridors, inside and outside its windows; `corridor
// violations` lists exactly the ones that fall on an agreed corridor during
// an agreed window, with their ledger evidence.
#include <gtest/gtest.h>

#include <fstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor::testing {
namespace {

using nlohmann::json;

class CliViolations : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir;
    auto run = [](const std::vector<std::string>& args) {
      const auto r = run_corridor(args);
      if (r.exit_code != 0)
        ADD_FAILURE() << args[0] << " " << (args.size() > 1 ? args[1] : "") << ": " << r.err << r.out;
      return r;
    };
    const auto scenario = shipped_scenario("andorra-exercise.geojson").string();
    run({"import", osm_extract("andorra-2021-10.osm.pbf").string(), "-o", p("map.graph"), "--quiet"});
    run({"plan", p("map.graph"), scenario, "-o", p("plan.json"), "--quiet"});
    for (const char* party : {"A", "B", "M"}) {
      run({"keygen", "--party", party, "-o", p(std::string(party) + ".key")});
      run({"agree", "register", "--registry", p("parties.json"), "--pub", p(std::string(party) + ".pub"), "--name",
           std::string("Party ") + party});
    }
    run({"agree", "propose", p("plan.json"), "--scenario", scenario, "--map", p("map.graph"), "-o",
         p("agreement.json")});
    run({"agree", "sign", p("agreement.json"), "--key", p("A.key")});
    run({"agree", "sign", p("agreement.json"), "--key", p("B.key")});
    run({"log", "init", "--db", p("ledger.db"), "--name", "corridor.test/ledger", "--registry", p("parties.json")});
    run({"log", "append", "--db", p("ledger.db"), p("agreement.json")});
  }
  static void TearDownTestSuite() {
    delete dir_;
    dir_ = nullptr;
  }
  static std::string p(const std::string& name) { return (dir_->path() / name).string(); }

  // A node on the first corridor's route, a third of the way along.
  static std::pair<double, double> on_corridor() {
    std::ifstream in(p("agreement.json"));
    const auto doc = json::parse(in)["document"];
    const auto& waypoints = doc["corridors"][0]["route"]["waypoints"];
    const auto& w = waypoints[waypoints.size() / 2];
    return {w["lon"].get<double>(), w["lat"].get<double>()};
  }

  static CommandResult report(const std::string& key, const std::string& time, double lon, double lat,
                              const std::string& id) {
    return run_corridor({"incident", "report", "--key", p(key), "--time", time, "--at",
                         std::to_string(lon) + "," + std::to_string(lat), "--type", "Explosions/Remote violence",
                         "--sub-type", "Shelling/artillery/missile attack", "--description", "shells near the road",
                         "--id", id, "-o", p(id + ".json")});
  }

  static TempDir* dir_;
};
TempDir* CliViolations::dir_ = nullptr;

TEST_F(CliViolations, ListsIncidentsOnCorridorsDuringWindowsWithEvidence) {
  const auto [lon, lat] = on_corridor();
  // Inside the valley ceasefire window (09:00-19:00 local) and 100 m off the route.
  ASSERT_EQ(report("B.key", "2022-03-05T10:30:00+01:00", lon + 0.0012, lat, "near-in-window").exit_code, 0);
  // Same place, the next day: outside every window and after the convoys.
  ASSERT_EQ(report("B.key", "2022-03-06T10:30:00+01:00", lon + 0.0012, lat, "near-next-day").exit_code, 0);
  // In the window but 8 km from any corridor... in France.
  ASSERT_EQ(report("A.key", "2022-03-05T11:00:00+01:00", 1.80, 42.60, "far-away").exit_code, 0);
  const auto appended = run_corridor(
      {"log", "append", "--db", p("ledger.db"), p("near-in-window.json"), p("near-next-day.json"), p("far-away.json")});
  ASSERT_EQ(appended.exit_code, 0) << appended.err;

  const auto r = run_corridor({"violations", "--db", p("ledger.db"), "--map", p("map.graph"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = json::parse(r.out);
  EXPECT_EQ(j["incidents"], 3);
  EXPECT_EQ(j["agreements_in_force"], 1);
  ASSERT_EQ(j["possible_violations"].size(), 1u) << j.dump(2);  // one incident, one agreement
  for (const auto& v : j["possible_violations"]) {
    EXPECT_EQ(v["incident"]["id"], "near-in-window") << v.dump(2);
    EXPECT_LE(v["distance_m"].get<double>(), 500.0);
    ASSERT_FALSE(v["corridors"].empty());
    EXPECT_FALSE(v["corridors"][0]["during"].empty());
    EXPECT_EQ(v["evidence"]["agreement_entry"], 0);
    EXPECT_EQ(v["evidence"]["incident_inclusion"]["type"], "inclusion");
  }
  // The evidence stands on its own: the inclusion proof checks without the database.
  const auto& proof = j["possible_violations"][0]["evidence"]["incident_inclusion"];
  std::ofstream(p("proof.json")) << proof.dump();
  const auto checked = run_corridor({"log", "check-proof", p("proof.json")});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  const auto text = run_corridor({"violations", "--db", p("ledger.db"), "--map", p("map.graph")});
  EXPECT_EQ(text.exit_code, 0);
  EXPECT_NE(text.out.find("incident near-in-window reported by B"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("do not say who is to blame"), std::string::npos) << text.out;
}

TEST_F(CliViolations, AcledCsvImportsAsSignedReports) {
  std::ofstream(p("events.csv")) << "event_id_cnty,event_date,time_precision,event_type,sub_event_type,actor1,latitude,"
                                    "longitude,geo_precision,source,notes,fatalities\n"
                                    "AND1,05 March 2022,1,Battles,Armed clash,\"Forces, unknown\",42.5063,1.5218,1,"
                                    "Local media,\"Clash near \"\"the bridge\"\"\",0\n"
                                    "AND2,2022-03-06,2,Protests,Peaceful protest,Civilians,42.51,1.53,2,Observer,,0\n";
  const auto r = run_corridor({"incident", "import", p("events.csv"), "--key", p("M.key"), "-o", p("acled")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream in(p("acled/AND1.json"));
  const auto doc = json::parse(in)["document"];
  EXPECT_EQ(doc["reported_by"], "M");
  EXPECT_EQ(doc["time"]["utc"], "2022-03-05T00:00:00Z");
  EXPECT_EQ(doc["time"]["precision"], "day");
  EXPECT_EQ(doc["actors"][0], "Forces, unknown");
  EXPECT_EQ(doc["description"], "Clash near \"the bridge\"");
  EXPECT_EQ(doc["place"]["precision_m"], 1000.0);
  const auto appended = run_corridor({"log", "append", "--db", p("ledger.db"), p("acled/AND2.json")});
  EXPECT_EQ(appended.exit_code, 0) << appended.err;
}

TEST_F(CliViolations, BadCsvAndBadReportNameTheField) {
  std::ofstream(p("bad.csv")) << "event_date,event_type,latitude,longitude\nyesterday,Battles,north,1.5\n";
  const auto r = run_corridor({"incident", "import", p("bad.csv"), "--key", p("M.key"), "-o", p("bad")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("row 2.event_date"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("row 2.latitude: must be a number, got \"north\""), std::string::npos) << r.err;
  const auto t = run_corridor({"incident", "report", "--key", p("B.key"), "--time", "2022-03-05 10:00", "--at",
                               "1.5,42.5", "--type", "Battles"});
  EXPECT_EQ(t.exit_code, 2);
  EXPECT_NE(t.err.find("--time"), std::string::npos) << t.err;
}

}  // namespace
}  // namespace corridor::testing
