// `corridor log` through the real binary: a ledger of signed agreements and
// incident reports, its heads and proofs, the documents it refuses, what
// `verify` says about damaged files, and appends killed with SIGKILL.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "corridor/agree/jws.hpp"
#include "corridor/agree/keys.hpp"
#include "corridor/crypto/crypto.hpp"
#include "corridor/ledger/ledger.hpp"
#include "test_support.hpp"

namespace corridor::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class CliLog : public ::testing::Test {
 protected:
  CliLog() {
    a_ = agree::generate_key("A");
    b_ = agree::generate_key("B");
    agree::Registry registry;
    registry.parties.push_back({"A", "Party A", "party", {a_.public_key()}});
    registry.parties.push_back({"B", "Party B", "party", {b_.public_key()}});
    agree::write_registry(registry, dir_ / "parties.json");
    db_ = (dir_ / "ledger.db").string();
    const auto r = run_corridor({"log", "init", "--db", db_, "--name", "corridor.test/ledger"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }

  static json incident(int n) {
    return {{"type", "corridor-incident"},
            {"id", "incident-" + std::to_string(n)},
            {"reported_by", n % 2 ? "A" : "B"},
            {"time", {{"utc", "2022-03-05T11:" + std::to_string(10 + n % 50) + ":00Z"}}},
            {"event_type", "Explosions/Remote violence"},
            {"sub_event_type", "Shelling/artillery/missile attack"},
            {"place", {{"geometry", {{"type", "Point"}, {"coordinates", {1.52, 42.51}}}}}},
            {"description", "report number " + std::to_string(n)}};
  }

  // The parts of an agreement document that the ledger's check reads
  // (agree::read_terms): its windows and corridors.
  static json agreement() {
    return {{"type", "corridor-agreement"},
            {"version", 1},
            {"replaces", nullptr},
            {"parties", {"A", "B"}},
            {"windows", json::array({{{"ceasefire", "cf"},
                                      {"windows", json::array({{{"from", "2022-03-05T09:00:00Z"},
                                                                {"until", "2022-03-05T15:00:00Z"}}})}}})},
            {"corridors", json::array({{{"id", "c1"},
                                        {"origin", "o"},
                                        {"destination", "d"},
                                        {"route", {{"nodes", {1, 2, 3}}}},
                                        {"departures", {{"first", "2022-03-05T09:00:00Z"}}},
                                        {"arrivals", {{"last", "2022-03-05T10:00:00Z"}}}}})}};
  }

  std::string write(const std::string& name, const json& doc) {
    const auto path = dir_ / name;
    std::ofstream(path) << doc.dump(2);
    return path.string();
  }

  std::string signed_file(const std::string& name, const json& document,
                          const std::vector<const agree::SecretKey*>& keys) {
    auto doc = agree::make_signed(document);
    for (const auto* k : keys) agree::add_signature(doc, *k);
    return write(name, doc);
  }

  CommandResult append(const std::string& file) {
    return run_corridor({"log", "append", "--db", db_, file, "--registry", (dir_ / "parties.json").string()});
  }

  TempDir dir_;
  agree::SecretKey a_;
  agree::SecretKey b_;
  std::string db_;
};

TEST_F(CliLog, AppendsSignedDocumentsAndProvesThem) {
  const auto r0 = append(signed_file("agreement.json", agreement(), {&a_, &b_}));
  ASSERT_EQ(r0.exit_code, 0) << r0.err;
  const auto ack = json::parse(r0.out);
  EXPECT_EQ(ack["index"], 0);
  EXPECT_EQ(ack["tree_size"], 1);
  EXPECT_EQ(ack["leaf_hash"].get<std::string>().size(), 64u);
  const auto head1 = run_corridor({"log", "head", "--db", db_});
  ASSERT_EQ(head1.exit_code, 0);
  std::ofstream(dir_ / "head1.note") << head1.out;
  EXPECT_TRUE(head1.out.starts_with("corridor.test/ledger\n1\n")) << head1.out;
  EXPECT_TRUE(has(head1.out, "\n\n\xE2\x80\x94 corridor.test/ledger ")) << head1.out;

  // Several files in one call: one acknowledgement line each.
  const auto r12 =
      run_corridor({"log", "append", "--db", db_, signed_file("i1.json", incident(1), {&a_}),
                    signed_file("i2.json", incident(2), {&b_}), "--registry", (dir_ / "parties.json").string()});
  ASSERT_EQ(r12.exit_code, 0) << r12.err;
  std::istringstream lines(r12.out);
  std::string line;
  std::vector<json> acks;
  while (std::getline(lines, line)) acks.push_back(json::parse(line));
  ASSERT_EQ(acks.size(), 2u);
  EXPECT_EQ(acks[1]["index"], 2);
  EXPECT_EQ(acks[1]["tree_size"], 3);

  const auto head = run_corridor({"log", "head", "--db", db_, "--json"});
  EXPECT_EQ(json::parse(head.out)["root"], acks[1]["root"]);
  const auto show = run_corridor({"log", "show", "--db", db_, "--index", "1"});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(json::parse(show.out)["kind"], "corridor-incident");
  EXPECT_EQ(agree::payload_of(json::parse(show.out)["document"])["id"], "incident-1");

  const auto vkey = (dir_ / "corridor.test-ledger.vkey").string();
  const auto proof = (dir_ / "inclusion.json").string();
  ASSERT_EQ(run_corridor({"log", "prove-inclusion", "--db", db_, "--index", "1", "-o", proof}).exit_code, 0);
  EXPECT_EQ(json::parse(slurp(proof))["type"], "inclusion");
  auto check = run_corridor({"log", "check-proof", proof, "--log-key", vkey});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  EXPECT_TRUE(has(check.out, "valid: entry 1 is in the log of size 3")) << check.out;

  const auto consistency = (dir_ / "consistency.json").string();
  ASSERT_EQ(run_corridor({"log", "prove-consistency", "--db", db_, "--old", "1", "-o", consistency}).exit_code, 0);
  check =
      run_corridor({"log", "check-proof", consistency, "--head", (dir_ / "head1.note").string(), "--log-key", vkey});
  EXPECT_EQ(check.exit_code, 0) << check.out << check.err;
  auto altered = json::parse(slurp(consistency));
  altered["old_root"] = altered["new_root"];
  check = run_corridor({"log", "check-proof", write("altered.json", altered)});
  EXPECT_EQ(check.exit_code, 1) << check.out;
  EXPECT_TRUE(has(check.out, "INVALID")) << check.out;
  EXPECT_EQ(run_corridor({"log", "check-proof", write("junk.json", json{{"type", "inclusion"}})}).exit_code, 2);

  const auto verify = run_corridor({"log", "verify", "--db", db_, "--head", (dir_ / "head1.note").string(),
                                    "--registry", (dir_ / "parties.json").string()});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  EXPECT_TRUE(has(verify.out, "is intact: 3 entries")) << verify.out;
}

TEST_F(CliLog, RefusesWhatIsNotSignedByARegisteredParty) {
  const auto stranger = agree::generate_key("C");
  auto forged = agree::make_signed(incident(1));
  agree::add_signature(forged, a_);
  auto signature = forged["signatures"][0]["signature"].get<std::string>();
  signature[5] = signature[5] == 'A' ? 'B' : 'A';
  forged["signatures"][0]["signature"] = signature;
  auto shown_changed = agree::make_signed(incident(2));
  agree::add_signature(shown_changed, a_);
  shown_changed["document"]["description"] = "something else";
  auto no_place = incident(5);
  no_place.erase("place");
  auto no_corridors = agreement();
  no_corridors.erase("corridors");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {signed_file("unsigned.json", incident(0), {}), "no signature"},
      {signed_file("stranger.json", incident(0), {&stranger}), "unknown key"},
      {write("forged.json", forged), "signature 1 of party A"},
      {write("shown.json", shown_changed), "differs from the signed payload"},
      {signed_file("other.json", json{{"type", "shopping-list"}}, {&a_}), "not \"shopping-list\""},
      {signed_file("no-place.json", no_place, {&a_}), "not one of the incident reports the ledger takes"},
      {signed_file("no-corridors.json", no_corridors, {&a_}), "document.corridors: missing"},
      {write("plain.json", incident(3)), "not a signed document"}};
  for (const auto& [file, reason] : cases) {
    const auto r = append(file);
    EXPECT_EQ(r.exit_code, 1) << file << ": " << r.err;
    EXPECT_TRUE(has(r.err, reason)) << file << ": " << r.err;
    EXPECT_EQ(r.out, "") << file;
  }
  std::ofstream(dir_ / "broken.json") << "{ not json";
  EXPECT_EQ(append((dir_ / "broken.json").string()).exit_code, 2);
  EXPECT_EQ(run_corridor({"log", "append", "--db", db_, signed_file("ok.json", incident(4), {&a_})}).exit_code, 2)
      << "no registry given or recorded";
  const auto verify = run_corridor({"log", "verify", "--db", db_});
  EXPECT_TRUE(has(verify.out, "intact: 0 entries")) << verify.out;
}

TEST_F(CliLog, VerifySaysWhereALedgerWasDamaged) {
  for (int i = 0; i < 6; ++i)
    ASSERT_EQ(append(signed_file("i" + std::to_string(i) + ".json", incident(i), {&a_})).exit_code, 0);
  std::ofstream(dir_ / "head6.note") << run_corridor({"log", "head", "--db", db_}).out;
  const auto pristine = dir_ / "pristine.db";
  fs::copy_file(db_, pristine);

  // A body edited in place (the SQLite CLI, as anyone with the file could).
  ASSERT_EQ(std::system(("sqlite3 " + db_ +
                         " \"DROP TRIGGER entries_no_update; UPDATE entries SET body = "
                         "replace(body, 'report number 4', 'report number 5') WHERE idx = 4\"")
                            .c_str()),
            0);
  auto r = run_corridor({"log", "verify", "--db", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.out, "entry 4: body does not match its leaf hash")) << r.out;

  fs::remove(db_);
  fs::copy_file(pristine, db_);
  fs::resize_file(db_, fs::file_size(db_) / 2 + 10);
  r = run_corridor({"log", "verify", "--db", db_});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.out, "truncated")) << r.out;

  fs::remove(db_);
  fs::copy_file(pristine, db_);
  ASSERT_EQ(std::system(("sqlite3 " + db_ +
                         " \"DROP TRIGGER entries_no_delete; DROP TRIGGER heads_no_delete; "
                         "DROP TRIGGER nodes_no_delete; DELETE FROM entries WHERE idx >= 4; "
                         "DELETE FROM nodes WHERE ((idx + 1) << level) > 4; DELETE FROM heads WHERE size > 4\"")
                            .c_str()),
            0);
  EXPECT_EQ(run_corridor({"log", "verify", "--db", db_}).exit_code, 0);
  r = run_corridor({"log", "verify", "--db", db_, "--head", (dir_ / "head6.note").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_TRUE(has(r.out, "entries 4..5 missing: size 4 but the given head signed size 6")) << r.out;

  std::ofstream(dir_ / "notes.txt") << "shopping list";
  EXPECT_EQ(run_corridor({"log", "verify", "--db", (dir_ / "notes.txt").string()}).exit_code, 2);
  EXPECT_EQ(run_corridor({"log", "verify", "--db", (dir_ / "missing.db").string()}).exit_code, 2);
}

TEST_F(CliLog, AcknowledgedAppendsSurviveSigkill) {
  const auto seed = test_seed();
  SCOPED_TRACE("seed " + std::to_string(seed));
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> delay_us(5000, 150000);
  std::map<std::uint64_t, std::string> acknowledged;  // index -> leaf hash
  const auto started = std::chrono::steady_clock::now();
  int rounds = 0;
  // A slow build (the sanitizers) may not start appending within the
  // shortest delays: a round that saw no acknowledgement doubles them.
  int slower = 1;
  for (; rounds < 40 && (acknowledged.size() < 10 ||
                         (rounds < 25 && std::chrono::steady_clock::now() - started < std::chrono::seconds(20)));
       ++rounds) {
    std::vector<std::string> args = {"log", "append", "--db", db_, "--registry", (dir_ / "parties.json").string()};
    for (int k = 0; k < 30; ++k) {
      const int n = rounds * 100 + k;
      args.push_back(signed_file("r" + std::to_string(n) + ".json", incident(n), {n % 2 ? &a_ : &b_}));
    }
    const auto out = run_then_kill(args, std::chrono::microseconds(delay_us(rng) * slower));
    if (out.empty() && slower < 16) slower *= 2;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
      const auto ack = json::parse(line);
      acknowledged[ack["index"].get<std::uint64_t>()] = ack["leaf_hash"].get<std::string>();
    }
    const auto verify = run_corridor({"log", "verify", "--db", db_});
    ASSERT_EQ(verify.exit_code, 0) << "after round " << rounds << ": " << verify.out << verify.err;
  }
  EXPECT_GE(acknowledged.size(), 10u) << "too few appends were acknowledged before the kills";
  RecordProperty("rounds", rounds);
  RecordProperty("acknowledged", static_cast<int>(acknowledged.size()));
  // Read in this process: one `corridor log show` per entry took most of
  // this test's time under the sanitizers (`log verify` above already ran
  // the binary after every round).
  const auto log = ledger::Ledger::open(db_);
  for (const auto& [index, hash] : acknowledged) {
    const auto entry = log.entry(index);
    ASSERT_TRUE(entry) << "acknowledged entry " << index << " is gone";
    EXPECT_EQ(crypto::hex(entry->leaf_hash), hash) << index;
  }
}

}  // namespace
}  // namespace corridor::testing
