// `corridor keygen` and `corridor agree` through the real binary, on a plan
// made from the Andorra extract and the shipped exercise scenario.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <memory>
#include <sstream>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace corridor::testing {
namespace {

using Json = nlohmann::json;

Json read_json(const std::filesystem::path& p) { return Json::parse(std::ifstream(p)); }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

class CliAgree : public ::testing::Test {
 protected:
  // One import and one plan for the whole suite.
  static void SetUpTestSuite() {
    shared_ = std::make_unique<TempDir>();
    const auto graph = (*shared_ / "andorra.graph").string();
    const auto import =
        run_corridor({"import", osm_extract("andorra-2021-10.osm.pbf").string(), "-o", graph, "--quiet"});
    if (import.exit_code != 0) {
      setup_error_ = "import failed: " + import.err;
      return;
    }
    const auto plan = run_corridor({"plan", graph, shipped_scenario("andorra-exercise.geojson").string(), "-o",
                                    (*shared_ / "plan.json").string(), "--quiet"});
    if (plan.exit_code != 0) setup_error_ = "plan failed: " + plan.err;
  }
  static void TearDownTestSuite() { shared_.reset(); }
  void SetUp() override { ASSERT_TRUE(setup_error_.empty()) << setup_error_; }

  static std::string graph() { return (*shared_ / "andorra.graph").string(); }
  static std::string plan() { return (*shared_ / "plan.json").string(); }
  std::string at(const std::string& name) const { return (dir_ / name).string(); }

  // keygen for a party, registered in parties.json.
  void make_party(const std::string& id, const std::string& name) {
    const auto k = run_corridor({"keygen", "--party", id, "-o", at(id + ".key")});
    ASSERT_EQ(k.exit_code, 0) << k.err;
    const auto r =
        run_corridor({"agree", "register", "--registry", at("parties.json"), "--pub", at(id + ".pub"), "--name", name});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  CommandResult propose(const std::string& output, const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {
        "agree", "propose", plan(), "--scenario", shipped_scenario("andorra-exercise.geojson").string(),
        "--map", graph(),   "-o",   at(output)};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_corridor(args);
  }
  CommandResult sign(const std::string& file, const std::string& party) {
    return run_corridor({"agree", "sign", at(file), "--key", at(party + ".key")});
  }
  CommandResult verify(const std::string& file) {
    return run_corridor({"agree", "verify", at(file), "--registry", at("parties.json")});
  }

  static std::unique_ptr<TempDir> shared_;
  static std::string setup_error_;
  TempDir dir_;
};

std::unique_ptr<TempDir> CliAgree::shared_;
std::string CliAgree::setup_error_;

TEST_F(CliAgree, KeygenWritesAPrivateKeyAndPrintsTheKid) {
  const auto r = run_corridor({"keygen", "--party", "A", "-o", at("a.key")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto kid = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(kid.size(), 16u) << r.out;
  struct stat st {};
  ASSERT_EQ(stat(at("a.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(read_json(at("a.pub"))["kid"], kid);
  EXPECT_EQ(read_json(at("a.pub"))["party"], "A");
  EXPECT_EQ(run_corridor({"keygen", "-o", at("x.key")}).exit_code, 2);  // --party is required
}

TEST_F(CliAgree, ProposeSignByBothPartiesAndVerify) {
  make_party("A", "Party A");
  make_party("B", "Party B");
  const auto p = propose("agreement.json");
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_TRUE(contains(p.out, "proposed version 1")) << p.out;
  const auto doc = read_json(at("agreement.json"));
  EXPECT_TRUE(doc["signatures"].empty());
  const auto& agreement = doc["document"];
  EXPECT_EQ(agreement["signatories"], Json({"A", "B"}));
  ASSERT_FALSE(agreement["corridors"].empty());
  const auto& first = agreement["corridors"][0];
  EXPECT_EQ(first["origin"], "andorra-la-vella");
  EXPECT_GT(first["route"]["nodes"].size(), 100u);
  EXPECT_GE(first["route"]["waypoints"].size(), 3u);
  EXPECT_TRUE(first["route"]["waypoints"][0].contains("lat"));
  EXPECT_EQ(agreement["windows"][0]["windows"][0]["until_local"], "2022-03-05T19:00:00+01:00");

  auto v = verify("agreement.json");
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_TRUE(contains(v.out, "no signatures")) << v.out;
  EXPECT_TRUE(contains(v.out, "NOT IN FORCE: missing A (Party A), B (Party B)")) << v.out;

  ASSERT_EQ(sign("agreement.json", "A").exit_code, 0);
  v = verify("agreement.json");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_TRUE(contains(v.out, "A (Party A)")) << v.out;
  EXPECT_TRUE(contains(v.out, "NOT IN FORCE: missing B (Party B)")) << v.out;
  EXPECT_EQ(
      run_corridor({"agree", "verify", at("agreement.json"), "--registry", at("parties.json"), "--require-in-force"})
          .exit_code,
      1);

  const auto s = run_corridor({"agree", "sign", at("agreement.json"), "--key", at("B.key"), "-o", at("signed.json")});
  ASSERT_EQ(s.exit_code, 0) << s.err;
  v = verify("signed.json");
  EXPECT_EQ(v.exit_code, 0) << v.out;
  EXPECT_TRUE(contains(v.out, "IN FORCE: every signatory has signed version 1")) << v.out;
  EXPECT_FALSE(contains(v.out, "NOT IN FORCE")) << v.out;

  // The same with the public keys instead of the registry, as JSON.
  const auto j =
      run_corridor({"agree", "verify", at("signed.json"), "--pub", at("A.pub"), "--pub", at("B.pub"), "--json"});
  ASSERT_EQ(j.exit_code, 0) << j.err;
  const auto verdict = Json::parse(j.out);
  EXPECT_EQ(verdict["in_force"], true);
  EXPECT_EQ(verdict["version"], 1);
  EXPECT_EQ(verdict["signatures"].size(), 2u);
}

TEST_F(CliAgree, TamperingAndUnknownKeysFailVerification) {
  make_party("A", "Party A");
  make_party("B", "Party B");
  ASSERT_EQ(propose("agreement.json").exit_code, 0);
  ASSERT_EQ(sign("agreement.json", "A").exit_code, 0);
  ASSERT_EQ(sign("agreement.json", "B").exit_code, 0);

  auto doc = read_json(at("agreement.json"));
  doc["document"]["corridors"][0]["vehicles"] = 1;
  std::ofstream(at("altered.json")) << doc.dump(2);
  auto v = verify("altered.json");
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_TRUE(contains(v.out, "payload does not match the document shown")) << v.out;
  EXPECT_TRUE(contains(v.out, "NOT IN FORCE")) << v.out;
  // Signing refuses a document that is not what the payload says.
  EXPECT_EQ(sign("altered.json", "A").exit_code, 2);

  // Only A's key known: B's signature is by an unknown key.
  v = run_corridor({"agree", "verify", at("agreement.json"), "--pub", at("A.pub")});
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_TRUE(contains(v.out, "signed by an unknown key")) << v.out;

  // A key of a party that is not a signatory cannot sign.
  ASSERT_EQ(run_corridor({"keygen", "--party", "M", "-o", at("M.key")}).exit_code, 0);
  const auto m = sign("agreement.json", "M");
  EXPECT_EQ(m.exit_code, 2);
  EXPECT_TRUE(contains(m.err, "not a signatory")) << m.err;
}

TEST_F(CliAgree, VersionTwoDiffAndReplayedSignatures) {
  make_party("A", "Party A");
  make_party("B", "Party B");
  ASSERT_EQ(propose("v1.json").exit_code, 0);
  ASSERT_EQ(sign("v1.json", "A").exit_code, 0);
  ASSERT_EQ(sign("v1.json", "B").exit_code, 0);

  // The ceasefire window now closes an hour earlier.
  auto scenario = read_json(shipped_scenario("andorra-exercise.geojson"));
  for (auto& f : scenario["features"]) {
    if (f["properties"]["kind"] == "ceasefire") f["properties"]["windows"][0][1] = "2022-03-05T18:00:00+01:00";
  }
  std::ofstream(at("changed.geojson")) << scenario.dump();
  const auto p = run_corridor({"agree", "propose", plan(), "--scenario", at("changed.geojson"), "--previous",
                               at("v1.json"), "-o", at("v2.json")});
  ASSERT_EQ(p.exit_code, 0) << p.err;
  EXPECT_EQ(read_json(at("v2.json"))["document"]["version"], 2);

  const auto d = run_corridor({"agree", "diff", at("v1.json"), at("v2.json")});
  ASSERT_EQ(d.exit_code, 0) << d.err;
  EXPECT_TRUE(contains(d.out, "version 2 replaces version 1 (sha256:")) << d.out;
  EXPECT_TRUE(contains(d.out,
                       "window 1 of valley-ceasefire ends 17:00 UTC (18:00 Europe/Andorra) instead of "
                       "18:00 UTC (19:00 Europe/Andorra)"))
      << d.out;
  const auto backwards = run_corridor({"agree", "diff", at("v2.json"), at("v1.json")});
  EXPECT_TRUE(contains(backwards.out, "does not follow")) << backwards.out;

  // Version 1's signatures pasted onto version 2.
  auto v2 = read_json(at("v2.json"));
  v2["signatures"] = read_json(at("v1.json"))["signatures"];
  std::ofstream(at("replayed.json")) << v2.dump(2);
  const auto v = verify("replayed.json");
  EXPECT_EQ(v.exit_code, 1) << v.out;
  EXPECT_TRUE(contains(v.out, "signature is for version 1, not this version 2")) << v.out;
  EXPECT_TRUE(contains(v.out, "NOT IN FORCE: missing A (Party A), B (Party B)")) << v.out;

  // Signed properly, version 2 is in force.
  ASSERT_EQ(sign("v2.json", "A").exit_code, 0);
  ASSERT_EQ(sign("v2.json", "B").exit_code, 0);
  EXPECT_TRUE(contains(verify("v2.json").out, "IN FORCE: every signatory has signed version 2"));
}

TEST(CliAgreeHelp, NamesTheSubcommands) {
  const auto r = run_corridor({"agree", "--help"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (const char* word : {"propose", "sign", "verify", "diff", "register", "docs/agreements.md"}) {
    EXPECT_TRUE(contains(r.out, word)) << word << " missing in:\n" << r.out;
  }
  const auto k = run_corridor({"keygen", "--help"});
  EXPECT_TRUE(contains(k.out, "--party")) << k.out;
  EXPECT_EQ(run_corridor({"agree"}).exit_code, 2);
}

TEST_F(CliAgree, BadInputExitsTwoAndNamesTheProblem) {
  auto r = run_corridor({"agree", "verify", at("missing.json"), "--pub", at("missing.pub")});
  EXPECT_EQ(r.exit_code, 2);
  r = run_corridor(
      {"agree", "propose", plan(), "--scenario", fixture("agree/scenario.geojson").string(), "-o", at("x.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "scenario: the plan was made for scenario")) << r.err;
  std::ofstream(at("junk.json")) << "{\"payload\": 5}";
  r = run_corridor({"agree", "diff", at("junk.json"), at("junk.json")});
  EXPECT_EQ(r.exit_code, 2);
  ASSERT_EQ(propose("agreement.json").exit_code, 0);
  r = run_corridor({"agree", "verify", at("agreement.json")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.err, "--registry")) << r.err;
  r = run_corridor({"agree", "register", "--registry", at("parties.json"), "--pub", at("nothing.pub")});
  EXPECT_EQ(r.exit_code, 2);
}

}  // namespace
}  // namespace corridor::testing
