// The ledger's signed head and proofs through real HTTP on loopback.
#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/proof.hpp"
#include "server_testing.hpp"

namespace corridor::server::test {
namespace {

class LedgerApi : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = std::make_unique<testing::TempDir>();
    const auto db = *dir_ / "ledger.db";
    {
      auto l = ledger::Ledger::create(db, {"corridor.test/server", {}, {}});
      const auto signer = l.load_signer();
      for (int i = 0; i < 5; ++i) l.append("test", R"({"n":)" + std::to_string(i) + "}", signer);
      verifier_ = l.info().verifier;
    }
    service_ = std::make_unique<Service>(import_map(drawn_map()));
    service_->attach_database(db);
    server_ = std::make_unique<RunningServer>(*service_);
  }
  static void TearDownTestSuite() {
    server_.reset();
    service_.reset();
    dir_.reset();
  }
  static Reply ask(const std::string& target) { return get(server_->port(), target); }
  static inline std::unique_ptr<testing::TempDir> dir_;
  static inline std::unique_ptr<Service> service_;
  static inline std::unique_ptr<RunningServer> server_;
  static inline ledger::NoteVerifier verifier_;
};

TEST_F(LedgerApi, HeadIsTheLatestSignedHead) {
  const auto r = ask("/ledger/head");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["size"], 5);
  EXPECT_EQ(r.body["root"].get<std::string>().size(), 64u);
  const auto head = ledger::parse_head(r.body["note"].get<std::string>());
  EXPECT_EQ(head.checkpoint.size, 5u);
  EXPECT_EQ(ledger::head_problem(head, verifier_), "");
}

TEST_F(LedgerApi, InclusionProofVerifies) {
  const auto r = ask("/ledger/proof/inclusion?index=2");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["type"], "inclusion");
  EXPECT_EQ(r.body["tree_size"], 5);
  const auto check = ledger::check_proof(r.body, std::nullopt, &verifier_);
  EXPECT_TRUE(check.valid) << check.summary;
  const auto older = ask("/ledger/proof/inclusion?index=1&size=3");
  ASSERT_EQ(older.status, 200) << older.text;
  EXPECT_TRUE(ledger::check_proof(older.body, std::nullopt, &verifier_).valid);
}

TEST_F(LedgerApi, ConsistencyProofVerifies) {
  const auto r = ask("/ledger/proof/consistency?old=2");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["type"], "consistency");
  EXPECT_EQ(r.body["new_size"], 5);
  const auto check = ledger::check_proof(r.body, std::nullopt, &verifier_);
  EXPECT_TRUE(check.valid) << check.summary;
}

TEST_F(LedgerApi, BadProofRequests) {
  for (const char* target :
       {"/ledger/proof/inclusion?index=9", "/ledger/proof/inclusion?index=-1", "/ledger/proof/inclusion",
        "/ledger/proof/inclusion?index=1&size=x", "/ledger/proof/consistency?old=4&new=9"}) {
    const auto r = ask(target);
    EXPECT_EQ(r.status, 400) << target << ": " << r.text;
    EXPECT_EQ(r.body.value("code", ""), "InvalidValue") << target;
  }
  const auto r = ask("/ledger/proof/inclusion?index=1&leaf=2");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body.value("code", ""), "InvalidUrl");
}

TEST(LedgerApiWithoutDb, AnswersNotFound) {
  Service service(import_map(drawn_map()));
  RunningServer server(service);
  for (const char* target : {"/ledger/head", "/ledger/proof/inclusion?index=0", "/ledger/proof/consistency?old=0",
                             "/scenarios", "/plans", "/agreements", "/incidents", "/violations", "/parties"}) {
    const auto r = get(server.port(), target);
    EXPECT_EQ(r.status, 404) << target;
    EXPECT_EQ(r.body.value("code", ""), "NotFound") << target;
  }
}

}  // namespace
}  // namespace corridor::server::test
