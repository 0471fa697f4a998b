#pragma once
// Corridor agreements (docs/agreements.md): the document the parties sign,
// made from a plan and its scenario, and what a verifier concludes from the
// signatures on it.
//
// An agreement names every corridor (origin -> destination over one route:
// OSM node ids and waypoints), its vehicles, people, departures and
// arrivals, the ceasefire windows in UTC and local time, the destinations,
// checkpoints and hazards, and the parties that must sign. It carries a
// version and the content hash (jcs.hpp) of the version it replaces, and is
// signed as a JWS (jws.hpp), one signature per party.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "corridor/agree/jws.hpp"
#include "corridor/agree/keys.hpp"
#include "corridor/geo/geo.hpp"
#include "corridor/scenario/scenario.hpp"

namespace corridor::agree {

// The payload "type" of an agreement, and its kind in the ledger.
inline constexpr std::string_view k_agreement_type = "corridor-agreement";
// Waypoints are the first and last node of a route and one about every
// this many metres along it.
inline constexpr double k_waypoint_spacing_m = 2000;

// What a road map knows about the nodes of a route. The caller supplies it
// (the CLI reads a graph file) so that agree/ does not depend on graph/.
struct MapLookup {
  std::function<std::optional<geo::LonLat>(std::int64_t node)> where;
  // The way the segment from -> to belongs to.
  std::function<std::optional<std::int64_t>(std::int64_t from, std::int64_t to)> way;
};

struct ProposeOptions {
  // Gives waypoints coordinates, ways and distances; without it waypoints
  // carry node ids only.
  const MapLookup* map = nullptr;
  // Parties that must sign; empty: every party except those whose role is
  // "mediator" (the mediator proposes; the parties bound by it sign).
  std::vector<std::string> signatories;
};

// The agreement document (unsigned) for a plan made from scenario `s`;
// `previous_signed` is the version it replaces (signed or not). Throws
// InputError naming the field when the plan does not fit the scenario.
nlohmann::json propose_agreement(const nlohmann::json& plan, const scenario::Scenario& s,
                                 const std::optional<nlohmann::json>& previous_signed,
                                 const ProposeOptions& options = {});

// The agreement inside a file: the payload of a signed document, or a bare
// agreement document. Throws InputError when it is neither.
nlohmann::json agreement_document(const nlohmann::json& file);

struct AgreementStatus {
  std::string scenario;
  std::int64_t version = 0;
  std::string hash;                     // content_hash of the document
  std::optional<std::string> replaces;  // hash of the version it replaces
  bool document_matches_payload = true;
  std::vector<SignatureCheck> signatures;
  std::vector<std::string> signatories;                          // party ids
  std::vector<std::string> signed_by;                            // signatories with a valid signature
  std::vector<std::string> missing;                              // signatories without one
  std::vector<std::pair<std::string, std::string>> party_names;  // id -> name

  // Every signature present verifies (and the document shown is the payload).
  [[nodiscard]] bool all_valid() const;
  // Every signatory has a valid signature on this exact version.
  [[nodiscard]] bool in_force() const;
  [[nodiscard]] std::string party_name(const std::string& id) const;
};

AgreementStatus check_agreement(const nlohmann::json& signed_doc, const Registry& registry);
nlohmann::json to_json(const AgreementStatus& status);
// The verdict in lines a liaison officer reads; the last line starts with
// "IN FORCE" or "NOT IN FORCE".
std::vector<std::string> describe(const AgreementStatus& status);

// What changed from one agreement document to the next, one sentence a
// line, the first saying whether `newer` replaces `older`.
std::vector<std::string> diff_agreements(const nlohmann::json& older, const nlohmann::json& newer);

// What an agreement binds the parties to, typed, for the modules that check
// events against it (monitor/): its ceasefire windows and its corridors.
struct AgreedWindow {
  std::string ceasefire;              // the scenario's ceasefire id
  std::size_t number = 0;             // 1-based, as the document lists them
  std::string from_text, until_text;  // as written (UTC)
  geo::UnixSeconds from{}, until{};
};

struct AgreedCorridor {
  std::string id, origin, destination;
  std::vector<std::int64_t> nodes;     // the route's OSM node ids
  std::vector<std::string> movements;  // the plan's movement ids on it ("m17"); empty for older documents
  std::string first_departure_text, last_arrival_text;
  geo::UnixSeconds first_departure{}, last_arrival{};
};

struct AgreementTerms {
  std::vector<AgreedWindow> windows;
  std::vector<AgreedCorridor> corridors;
};

// Reads the terms of an agreement document (the payload, as
// agreement_document returns it); throws InputError naming the field when
// it is not one as propose_agreement writes it.
AgreementTerms read_terms(const nlohmann::json& document);

}  // namespace corridor::agree
