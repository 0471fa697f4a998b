// corridor agree propose|sign|verify|diff|register (docs/agreements.md)
#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cli.hpp"
#include "corridor/agree/agreement.hpp"
#include "corridor/agree/jcs.hpp"
#include "corridor/error.hpp"
#include "corridor/geo/time.hpp"
#include "corridor/graph/graph_file.hpp"
#include "corridor/json.hpp"
#include "corridor/monitor/map_lookup.hpp"

namespace corridor::cli {
namespace {

using Json = nlohmann::json;

struct AgreeOptions {
  std::string plan, scenario, map, previous, output, file, key, registry, name, role, older, newer, jwks, time;
  std::vector<std::string> signatories, pubs;
  bool json = false;
  bool require_in_force = false;
  bool role_given = false;
};

// Input errors about a document name its file.
template <typename F>
auto in_file(const std::string& path, F&& f) {
  try {
    return f();
  } catch (const InputError& e) {
    throw InputError(path, e.what());
  }
}

int run_propose(const AgreeOptions& o) {
  const auto plan = read_json(o.plan, "plan");
  const auto s = scenario::load_scenario(o.scenario);
  std::optional<Json> previous;
  if (!o.previous.empty()) previous = agree::read_signed(o.previous);
  std::optional<graph::RoadGraph> g;
  std::unique_ptr<monitor::GraphLookup> map;
  if (!o.map.empty()) map = std::make_unique<monitor::GraphLookup>(g.emplace(graph::read_graph(o.map)), plan);
  agree::ProposeOptions options;
  options.map = map ? &map->lookup() : nullptr;
  options.signatories = o.signatories;
  const auto document = in_file(o.plan, [&] { return agree::propose_agreement(plan, s, previous, options); });
  agree::write_signed(agree::make_signed(document), o.output);
  std::int64_t vehicles = 0, people = 0;
  for (const auto& c : document["corridors"]) {
    vehicles += c["vehicles"].get<std::int64_t>();
    people += c["people"].get<std::int64_t>();
  }
  std::string signatories;
  for (const auto& id : document["signatories"])
    signatories += (signatories.empty() ? "" : ", ") + id.get<std::string>();
  std::cout << "proposed version " << document["version"] << " (" << agree::content_hash(document) << ")"
            << (previous ? ", replacing " + document["replaces"].get<std::string>() : std::string()) << ": "
            << document["corridors"].size() << " corridors, " << vehicles << " vehicles, " << people
            << " people; to be signed by " << signatories << "\nwritten " << o.output << " (no signatures yet)\n";
  return k_exit_ok;
}

int run_sign(const AgreeOptions& o) {
  auto signed_doc = agree::read_signed(o.file);
  const auto key = agree::read_secret_key(o.key);
  const auto document = in_file(o.file, [&] { return agree::agreement_document(signed_doc); });
  const auto& signatories = document.value("signatories", Json::array());
  if (std::find(signatories.begin(), signatories.end(), Json(key.party)) == signatories.end()) {
    throw InputError(o.key, "party " + key.party + " is not a signatory of " + o.file +
                                " (signatories: " + signatories.dump() + ")");
  }
  // When the party signs: from the last signatory's signature on, an
  // amendment is in force (docs/operations.md).
  std::int64_t signed_at =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  if (!o.time.empty()) {
    std::string why;
    const auto t = geo::parse_rfc3339(o.time, &why);
    if (!t) throw InputError("--time", why + ", got \"" + o.time + "\"");
    signed_at = t->utc.time_since_epoch().count();
  }
  in_file(o.file, [&] {
    agree::add_signature(signed_doc, key, signed_at);
    return 0;
  });
  const auto output = o.output.empty() ? o.file : o.output;
  agree::write_signed(signed_doc, output);
  std::cout << "party " << key.party << " (key " << key.kid << ") signed version " << document["version"] << " ("
            << agree::content_hash(document) << ")\nwritten " << output << "\n";
  return k_exit_ok;
}

agree::Registry registry_of(const AgreeOptions& o) {
  if (o.registry.empty() && o.pubs.empty()) {
    throw InputError("--registry", "give the party registry (--registry parties.json) or public keys (--pub a.pub)");
  }
  agree::Registry registry;
  if (!o.registry.empty()) registry = agree::read_registry(o.registry);
  for (const auto& path : o.pubs) {
    const auto key = agree::read_public_key(path);
    in_file(path, [&] { return agree::register_key(registry, key, key.party, std::nullopt); });
  }
  return registry;
}

int run_verify(const AgreeOptions& o) {
  const auto registry = registry_of(o);
  const auto signed_doc = agree::read_signed(o.file);
  const auto status = in_file(o.file, [&] { return agree::check_agreement(signed_doc, registry); });
  const bool ok = status.all_valid() && (!o.require_in_force || status.in_force());
  if (o.json) {
    std::cout << agree::to_json(status).dump(2) << "\n";
  } else {
    for (const auto& line : agree::describe(status)) std::cout << line << "\n";
  }
  return ok ? k_exit_ok : k_exit_failed_check;
}

Json read_agreement(const std::string& path) {
  const auto file = read_json(path, "agreement");
  return in_file(path, [&] {
    if (file.is_object() && file.contains("payload") && !agree::document_matches_payload(file)) {
      std::cerr << "corridor agree diff: warning: in " << path
                << " the document shown is not the signed payload; comparing the signed payload\n";
    }
    return agree::agreement_document(file);
  });
}

int run_diff(const AgreeOptions& o) {
  const auto older = read_agreement(o.older);
  const auto newer = read_agreement(o.newer);
  const auto lines = in_file(o.older + ", " + o.newer, [&] { return agree::diff_agreements(older, newer); });
  for (const auto& line : lines) std::cout << line << "\n";
  return k_exit_ok;
}

int run_register(const AgreeOptions& o) {
  if (o.pubs.empty() && o.jwks.empty()) throw InputError("--pub", "give a public key to register, or --jwks to export");
  agree::Registry registry;
  if (std::filesystem::exists(o.registry)) {
    registry = agree::read_registry(o.registry);
  } else if (o.pubs.empty()) {
    throw IoError("cannot read registry " + o.registry + ": no such file");
  }
  if (!o.pubs.empty()) {
    const auto key = agree::read_public_key(o.pubs.front());
    const bool added =
        agree::register_key(registry, key, o.name, o.role_given ? std::optional<std::string>(o.role) : std::nullopt);
    agree::write_registry(registry, o.registry);
    const auto* party = registry.find_party(key.party);
    std::cout << (added ? "registered key " : "key already registered: ") << key.kid << " for party " << key.party
              << " (" << party->name << (party->role.empty() ? "" : ", " + party->role) << ") in " << o.registry
              << "\n";
  }
  if (!o.jwks.empty()) {
    const auto jwks = agree::registry_jwks(registry);
    std::ofstream out(o.jwks, std::ios::binary);
    out << jwks.dump(2) << "\n";
    if (!out.flush()) throw IoError("cannot write " + o.jwks);
    std::cout << "wrote " << jwks["keys"].size() << " keys as a JWK Set to " << o.jwks << "\n";
  }
  return k_exit_ok;
}

}  // namespace

void add_agree_command(CLI::App& app, Runs& runs) {
  auto o = std::make_shared<AgreeOptions>();
  auto* agree = app.add_subcommand(
      "agree",
      "Corridor agreements (docs/agreements.md): propose one from a plan, sign it with a party's key,\n"
      "verify who signed which version, show what changed between versions, keep the party registry.\n"
      "Exit codes: 0 ok, 1 a signature or document that does not verify, 2 bad input.");
  agree->require_subcommand(1);

  auto* propose = agree->add_subcommand(
      "propose",
      "Writes an unsigned agreement made from a plan: its corridors (routes as OSM node ids and\n"
      "waypoints, vehicles, people, departures and arrivals), the ceasefire windows in UTC and local\n"
      "time, destinations, checkpoints and hazards, a version and the hash of the version it replaces.\n"
      "Example: corridor agree propose plan.json --scenario s.geojson --map andorra.graph -o agreement.json");
  propose->add_option("plan", o->plan, "plan JSON (as written by `corridor plan`)")->required();
  propose->add_option("--scenario", o->scenario, "scenario GeoJSON the plan was made for")->required();
  propose->add_option("--map", o->map, "graph file the plan was made on: adds waypoint coordinates and ways");
  propose->add_option("--amends,--previous", o->previous,
                      "the agreement this version amends: the new one is version N+1 with version N's hash");
  propose->add_option("--signatories", o->signatories, "parties that must sign (default: all but mediators)")
      ->delimiter(',');
  propose->add_option("-o,--output", o->output, "agreement JSON to write")->required();
  runs[propose] = [o] { return run_propose(*o); };

  auto* sign = agree->add_subcommand(
      "sign", "Adds (or replaces) a party's signature. Example: corridor agree sign agreement.json --key a.key");
  sign->add_option("agreement", o->file, "agreement JSON")->required();
  sign->add_option("--key", o->key, "the party's secret key file (from corridor keygen)")->required();
  sign->add_option("-o,--output", o->output, "where to write the signed agreement (default: in place)");
  sign->add_option("--time", o->time,
                   "when the party signs, RFC 3339 (default: now); an amendment is in force from its last "
                   "signature on");
  runs[sign] = [o] { return run_sign(*o); };

  auto* verify = agree->add_subcommand(
      "verify",
      "Checks every signature and says which parties signed which version; IN FORCE only when every\n"
      "signatory signed this exact version. Exits 1 when a signature does not verify (or, with\n"
      "--require-in-force, when the agreement is not in force).\n"
      "Example: corridor agree verify agreement.json --registry parties.json");
  verify->add_option("agreement", o->file, "agreement JSON")->required();
  verify->add_option("--registry", o->registry, "party registry (parties.json)");
  verify->add_option("--pub", o->pubs, "a party's public key file (repeatable), instead of or beside --registry");
  verify->add_flag("--json", o->json, "print the verdict as JSON");
  verify->add_flag("--require-in-force", o->require_in_force, "exit 1 unless every signatory has signed");
  runs[verify] = [o] { return run_verify(*o); };

  auto* diff = agree->add_subcommand(
      "diff", "Says what changed between two versions. Example: corridor agree diff v1.json v2.json");
  diff->add_option("old", o->older, "the earlier agreement")->required();
  diff->add_option("new", o->newer, "the later agreement")->required();
  runs[diff] = [o] { return run_diff(*o); };

  auto* reg = agree->add_subcommand(
      "register",
      "Adds a party's public key to the registry (created when missing), or updates its name and role;\n"
      "with --jwks, also writes every registered key as a JWK Set (RFC 7517) that JOSE libraries read.\n"
      "Example: corridor agree register --registry parties.json --pub a.pub --name \"Party A\"\n"
      "         corridor agree register --registry parties.json --jwks parties.jwks");
  reg->add_option("--registry", o->registry, "party registry to update")->required();
  reg->add_option("--pub", o->pubs, "the party's public key file (a JWK, as corridor keygen writes it)")->expected(1);
  reg->add_option("--jwks", o->jwks, "write the registry's public keys as a JWK Set to this file");
  reg->add_option("--name", o->name, "the party's name (required for a new party)");
  auto* role = reg->add_option("--role", o->role, "the party's role (e.g. mediator)");
  runs[reg] = [o, role] {
    o->role_given = role->count() > 0;
    return run_register(*o);
  };
}

}  // namespace corridor::cli
