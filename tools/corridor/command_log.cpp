// corridor log init|append|verify|head|show|prove-inclusion|prove-consistency|check-proof
// The tamper-evident ledger (docs/ledger.md): an RFC 6962 / RFC 9162 Merkle
// tree log in SQLite with C2SP signed tree heads.
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "corridor/agree/jws.hpp"
#include "corridor/error.hpp"
#include "corridor/json.hpp"
#include "corridor/ledger/ledger.hpp"
#include "corridor/ledger/proof.hpp"
#include "corridor/ledger/verify.hpp"
#include "corridor/monitor/convoy_report.hpp"
#include "corridor/monitor/kinds.hpp"
#include "corridor/server/store.hpp"

namespace corridor::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct LogOptions {
  std::string db;
  std::string from;  // log migrate
  std::string to;
  std::string name;
  std::string key;
  std::string registry;
  std::vector<std::string> files;
  std::string head;
  std::string log_key;
  std::string output;
  std::uint64_t index = 0;
  std::uint64_t size = 0;
  std::uint64_t old_size = 0;
  std::uint64_t new_size = 0;
  bool json = false;
  CLI::Option* head_size = nullptr;       // head --size given?
  CLI::Option* inclusion_size = nullptr;  // prove-inclusion --size given?
  CLI::Option* new_option = nullptr;      // prove-consistency --new given?
};

void write_output(const std::string& path, const std::string& text) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  if (!out.flush()) throw IoError(path + ": cannot write");
}

int run_init(const LogOptions& o) {
  ledger::InitOptions init{o.name, o.key, o.registry};
  const auto l = ledger::Ledger::create(o.db, init);
  auto vkey = l.key_path();
  vkey.replace_extension(".vkey");
  std::cout << "created ledger " << ledger::sql::display_name(o.db) << " for log " << o.name << "\n"
            << "signing key   " << l.key_path().string() << " (mode 0600: keep it secret, keep a backup)\n"
            << "public key    " << vkey.string() << " (give it to everyone who checks heads)\n"
            << "verifier key  " << ledger::format_verifier_key(l.info().verifier) << "\n";
  return k_exit_ok;
}

int run_append(const LogOptions& o) {
  auto l = ledger::Ledger::open(o.db);
  const auto registry_path = o.registry.empty() ? l.info().registry : o.registry;
  if (registry_path.empty()) {
    throw InputError("--registry", "no party registry: give --registry parties.json (or record one at log init)");
  }
  const auto registry = agree::read_registry(registry_path);
  const auto signer = l.load_signer(o.key);
  for (const auto& file : o.files) {
    const auto doc = read_json(file, "signed agreement or incident report");
    // Convoy reports are checked against the agreement in force and the map.
    const auto type = [&] {
      try {
        const auto payload = agree::payload_of(doc);
        return payload.is_object() ? payload.value("type", std::string()) : std::string();
      } catch (const Error&) {
        return std::string();  // append_document says what is wrong with it
      }
    }();
    if (type == monitor::k_convoy_report_type) {
      throw ledger::RejectedEntry(file + ": refused: append convoy reports with `corridor report --db " +
                                  ledger::sql::display_name(o.db) + " --map MAP " + file +
                                  "`, which checks them against the agreement in force and "
                                  "the map");
    }
    ledger::AppendResult r;
    try {
      r = ledger::append_document(l, doc, registry, monitor::ledger_kinds(), signer);
    } catch (const ledger::RejectedEntry& e) {
      throw ledger::RejectedEntry(file + ": refused: " + e.what());
    }
    // Acknowledged only now that COMMIT has returned.
    std::cout << r.to_json().dump() << std::endl;
  }
  return k_exit_ok;
}

int run_verify(const LogOptions& o) {
  ledger::VerifyOptions options;
  options.kinds = &monitor::ledger_kinds();
  if (!o.head.empty()) options.given_head = read_text(o.head, "signed head");
  std::optional<agree::Registry> registry;
  if (!o.registry.empty()) {
    registry = agree::read_registry(o.registry);
    options.registry = &*registry;
  }
  const auto report = ledger::verify_ledger(o.db, options);
  if (!report.intact()) {
    constexpr std::size_t shown = 30;
    for (std::size_t i = 0; i < report.problems.size() && i < shown; ++i) std::cout << report.problems[i] << "\n";
    if (report.problems.size() > shown) std::cout << "... and " << report.problems.size() - shown << " more\n";
    std::cerr << "corridor: ledger " << ledger::sql::display_name(o.db) << " is NOT intact: " << report.problems.size()
              << " problem" << (report.problems.size() == 1 ? "" : "s") << "\n";
    return k_exit_failed_check;
  }
  std::cout << "ledger " << ledger::sql::display_name(o.db) << " (log " << report.name
            << ") is intact: " << report.entries << " entries, " << report.heads << " signed heads checked, root "
            << crypto::hex(report.root) << "\n";
  if (report.given_head_checked) std::cout << "it extends the given head " << o.head << "\n";
  return k_exit_ok;
}

int run_migrate(const LogOptions& o) {
  const auto shown = ledger::sql::display_name(o.to);
  std::cerr << "corridor log migrate: copying " << o.from << " to " << shown << "\n";
  const auto copied = ledger::migrate_ledger(o.from, o.to);
  const auto service_rows = server::copy_store(o.from, o.to);
  ledger::VerifyOptions options;
  options.kinds = &monitor::ledger_kinds();
  const auto report = ledger::verify_ledger(o.to, options);
  if (!report.intact()) {
    std::cerr << "corridor: the copy in " << shown << " does NOT verify: " << report.problems.front() << "\n";
    return k_exit_failed_check;
  }
  std::cout << "migrated " << o.from << " to " << shown << ": " << copied.entries << " entries, " << copied.heads
            << " signed heads, " << copied.verifications << " verification checkpoints, " << service_rows
            << " rows of the service's tables; the copy verifies, with the same root " << crypto::hex(copied.root)
            << "\n";
  return k_exit_ok;
}

int run_head(const LogOptions& o) {
  const auto l = ledger::Ledger::open(o.db);
  const auto head = o.head_size->count() > 0 ? l.head(o.size) : l.latest_head();
  if (!head) throw InputError("--size", "the ledger has no signed head of size " + std::to_string(o.size));
  if (!o.json) {
    std::cout << head->note;
    return k_exit_ok;
  }
  std::cout << json{{"log", l.info().name},
                    {"size", head->size},
                    {"root", crypto::hex(head->root)},
                    {"timestamp", head->timestamp},
                    {"note", head->note},
                    {"verifier_key", ledger::format_verifier_key(l.info().verifier)}}
                   .dump(2)
            << "\n";
  return k_exit_ok;
}

int run_show(const LogOptions& o) {
  const auto l = ledger::Ledger::open(o.db);
  const auto e = l.entry(o.index);
  if (!e)
    throw InputError("--index",
                     "no entry " + std::to_string(o.index) + " (the log has " + std::to_string(l.size()) + ")");
  json out = {{"index", e->index},
              {"kind", e->kind},
              {"leaf_hash", crypto::hex(e->leaf_hash)},
              {"appended_at", e->appended_at}};
  const auto doc = corridor::json::try_parse(e->body).value_or(json::value_t::discarded);
  if (doc.is_discarded()) {
    out["body"] = e->body;
  } else {
    out["document"] = doc;
  }
  std::cout << out.dump(2) << "\n";
  return k_exit_ok;
}

int run_prove_inclusion(const LogOptions& o) {
  const auto l = ledger::Ledger::open(o.db);
  const auto size = o.inclusion_size->count() > 0 ? std::optional(o.size) : std::nullopt;
  write_output(o.output, ledger::inclusion_proof_json(l, o.index, size).dump(2) + "\n");
  return k_exit_ok;
}

int run_prove_consistency(const LogOptions& o) {
  const auto l = ledger::Ledger::open(o.db);
  const auto size = o.new_option->count() > 0 ? std::optional(o.new_size) : std::nullopt;
  write_output(o.output, ledger::consistency_proof_json(l, o.old_size, size).dump(2) + "\n");
  return k_exit_ok;
}

int run_check_proof(const LogOptions& o) {
  const auto proof = read_json(o.files.front(), "proof");
  std::optional<std::string> head;
  if (!o.head.empty()) head = read_text(o.head, "signed head");
  std::optional<ledger::NoteVerifier> key;
  if (!o.log_key.empty()) key = ledger::read_verifier_key(o.log_key);
  const auto check = ledger::check_proof(proof, head, key ? &*key : nullptr);
  std::cout << (check.valid ? "valid: " : "INVALID: ") << check.summary << "\n";
  for (const auto& note : check.notes) std::cout << "  " << note << "\n";
  return check.valid ? k_exit_ok : k_exit_failed_check;
}

CLI::App* sub(CLI::App* log, Runs& runs, const std::shared_ptr<LogOptions>& o, const std::string& name,
              const std::string& help, int (*run)(const LogOptions&), bool with_db = true) {
  auto* cmd = log->add_subcommand(name, help);
  if (with_db)
    cmd->add_option("--db", o->db, "the ledger: an SQLite file, or postgresql://USER@HOST:PORT/DBNAME")->required();
  runs[cmd] = [o, run] { return run(*o); };
  return cmd;
}

}  // namespace

void add_log_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<LogOptions>();
  auto* log = app.add_subcommand(
      "log",
      "The tamper-evident ledger of agreements and incident reports (docs/ledger.md): an append-only\n"
      "Merkle tree log (RFC 6962 / RFC 9162) in one SQLite file or a PostgreSQL database that several\n"
      "service instances share, with signed tree heads (C2SP signed notes) and proofs that anyone can\n"
      "check without the database.\n"
      "Exit codes: 0 ok, 1 a refused document, a damaged ledger or an invalid proof, 2 bad input.");
  log->footer(
      "Example:\n"
      "  corridor log init --db ledger.db --name corridor.example/ledger --registry parties.json\n"
      "  corridor log append --db ledger.db agreement.json incident.json\n"
      "  corridor log head --db ledger.db > head.note\n"
      "  corridor log prove-inclusion --db ledger.db --index 1 -o proof.json\n"
      "  corridor log check-proof proof.json --head head.note --log-key corridor.example-ledger.vkey\n"
      "  corridor log verify --db ledger.db --head head.note\n"
      "  corridor log init --db postgresql://corridor@db.example:5432/corridor --name corridor.example/ledger\n"
      "The password of a postgresql:// URI comes from PGPASSWORD or ~/.pgpass, as libpq reads them.");
  log->require_subcommand(1);

  auto* init = sub(log, runs, o, "init",
                   "Creates a ledger and the log's Ed25519 key (NAME.logkey beside it, or --key).", run_init);
  init->add_option("--name", o->name, "the log's name, e.g. corridor.example/ledger (no spaces, no '+')")->required();
  init->add_option("--key", o->key,
                   "where to write the log's signing key (default: NAME.logkey beside --db, or in the current folder "
                   "for a postgresql:// --db)");
  init->add_option("--registry", o->registry, "party registry that `log append` uses by default");

  auto* migrate = sub(log, runs, o, "migrate",
                      "Copies a ledger and the service's tables (an SQLite file, as `serve --db` keeps them) into\n"
                      "an empty PostgreSQL database, row for row in one transaction, then checks the copy: the same\n"
                      "entries, signed heads and root, and a full `log verify`. Stop the service first.",
                      run_migrate, false);
  migrate->add_option("--from", o->from, "the ledger to copy (an SQLite file)")->required();
  migrate->add_option("--to", o->to, "postgresql://USER@HOST:PORT/DBNAME of an empty database")->required();

  auto* append = sub(log, runs, o, "append",
                     "Appends signed agreements or incident reports, each in its own durable transaction, after\n"
                     "checking every signature against the registry; prints one JSON line per entry once it is\n"
                     "committed: {\"index\", \"leaf_hash\", \"tree_size\", \"root\"}. Exit 1 for a refused document.",
                     run_append);
  append->add_option("files", o->files, "signed documents (JSON)")->required();
  append->add_option("--registry", o->registry, "party registry (parties.json)");
  append->add_option("--key", o->key, "the log's signing key (default: the one recorded at init)");

  auto* verify = sub(log, runs, o, "verify",
                     "Recomputes the whole log from the stored bodies and checks every stored subtree and signed\n"
                     "head; with --head, that the log extends a head kept from earlier. Exit 1 and where, if not.",
                     run_verify);
  verify->add_option("--head", o->head, "a signed head kept from earlier (`corridor log head` output)");
  verify->add_option("--registry", o->registry, "also check every entry's signatures against this registry");

  auto* head = sub(log, runs, o, "head", "Prints the latest signed tree head (a C2SP checkpoint note).", run_head);
  o->head_size = head->add_option("--size", o->size, "the head of this tree size instead");
  head->add_flag("--json", o->json, "print it as JSON with the root in hex");

  auto* show = sub(log, runs, o, "show", "Prints entry N with its leaf hash.", run_show);
  show->add_option("--index", o->index, "entry number (from 0)")->required();

  auto* inclusion = sub(log, runs, o, "prove-inclusion",
                        "Writes an inclusion proof of entry N in the tree of size S (default: the current one).",
                        run_prove_inclusion);
  inclusion->add_option("--index", o->index, "entry number (from 0)")->required();
  o->inclusion_size = inclusion->add_option("--size", o->size, "tree size (default: the current size)");
  inclusion->add_option("-o,--output", o->output, "write to this file instead of stdout");

  auto* consistency =
      sub(log, runs, o, "prove-consistency",
          "Writes a consistency proof that the tree of size N extends the tree of size M.", run_prove_consistency);
  consistency->add_option("--old", o->old_size, "the older tree size M")->required();
  o->new_option = consistency->add_option("--new", o->new_size, "the newer tree size N (default: the current size)");
  consistency->add_option("-o,--output", o->output, "write to this file instead of stdout");

  auto* check = sub(log, runs, o, "check-proof",
                    "Checks an inclusion or consistency proof without the database. Exit 0 if it holds, else 1.",
                    run_check_proof, false);
  check->add_option("proof", o->files, "proof JSON (from prove-inclusion or prove-consistency)")
      ->required()
      ->expected(1);
  check->add_option("--head", o->head, "a signed head you trust; the proof must be about its tree");
  check->add_option("--log-key", o->log_key, "the log's public key (NAME.vkey) to check the heads' signatures");
}

}  // namespace corridor::cli
