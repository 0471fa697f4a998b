// Who is asking: signed requests (request_signature.hpp), read sessions,
// and the party registry the mediator keeps.
#include "corridor/crypto/crypto.hpp"

#include <cctype>

#include "corridor/geo/time.hpp"
#include "corridor/ledger/merkle.hpp"
#include "corridor/server/request_signature.hpp"
#include "resources.hpp"

namespace corridor::server {
namespace {

[[noreturn]] void unauthorized(const std::string& why) { throw ApiError(ErrorKind::unauthorized, why); }

std::string hash_token(std::string_view token) { return crypto::hex(crypto::sha256(token)); }

geo::UnixSeconds now() { return std::chrono::time_point_cast<geo::Seconds>(std::chrono::system_clock::now()); }

}  // namespace

std::optional<std::string> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return v;
  }
  return std::nullopt;
}

std::optional<Caller> Parties::authenticate(const Request& request) {
  const auto signature = request.header(k_header_signature);
  if (signature) {
    auto need = [&](std::string_view name) {
      auto value = request.header(name);
      if (!value || value->empty()) unauthorized("a signed request needs the header " + std::string(name));
      return *value;
    };
    const auto kid = need(k_header_key);
    const auto time = need(k_header_time);
    const auto nonce = need(k_header_nonce);
    if (!well_formed_nonce(nonce)) {
      unauthorized(std::string(k_header_nonce) + " must be 16 to 64 characters of A-Za-z0-9_-, got \"" + nonce + "\"");
    }
    std::string why;
    const auto at = geo::parse_rfc3339(time, &why);
    if (!at) unauthorized(std::string(k_header_time) + ": " + why + ", got \"" + time + "\"");
    const auto skew = std::chrono::abs(at->utc - now());
    if (skew > max_skew_) {
      unauthorized(std::string(k_header_time) + " \"" + time + "\" is " + std::to_string(skew.count()) +
                   " s from the service's clock (" + ledger::utc_timestamp() + "); at most " +
                   std::to_string(max_skew_.count()) + " s are accepted");
    }
    const auto known = registry();
    const auto* key = known.find_key(kid);
    if (key == nullptr) unauthorized("key " + kid + " is not registered with this service");
    if (!signature_verifies(*key, request_message(request.method, request.target, time, nonce, request.body),
                            *signature)) {
      unauthorized(std::string(k_header_signature) + " does not verify for key " + kid +
                   " over this method, target, time, nonce and body");
    }
    // Only a request that verifies spends its nonce, so a forger cannot
    // burn a party's nonces.
    if (!store_.spend_nonce(kid, nonce, now(), now() - 2 * max_skew_)) {
      throw ApiError(ErrorKind::replayed, "nonce " + nonce + " of key " + kid + " was used before: a replayed request");
    }
    const auto* party = known.find_party(key->party);
    return Caller{key->party, party != nullptr ? party->role : "", kid, true};
  }
  const auto authorization = request.header("Authorization");
  if (!authorization) return std::nullopt;
  constexpr std::string_view bearer = "Bearer ";
  if (authorization->rfind(bearer, 0) != 0)
    unauthorized("Authorization must be \"Bearer TOKEN\" (from POST /sessions)");
  const auto session = store_.session(hash_token(authorization->substr(bearer.size())));
  if (!session) unauthorized("the session token is not known to this service");
  if (session->expires <= now()) unauthorized("the session expired; sign POST /sessions again");
  const auto known = registry();
  const auto* key = known.find_key(session->kid);
  if (key == nullptr) unauthorized("the session's key " + session->kid + " is no longer registered");
  const auto* party = known.find_party(key->party);
  return Caller{key->party, party != nullptr ? party->role : "", key->kid, false};
}

nlohmann::json Parties::create_session(const Caller& caller) {
  const auto token = crypto::random_token(32);
  const auto expires = now() + session_length_;
  store_.save_session({hash_token(token), caller.party, caller.kid, expires});
  return {{"token", token},
          {"party", caller.party},
          {"role", caller.role},
          {"kid", caller.kid},
          {"expires", geo::format_utc(expires)}};
}

nlohmann::json Parties::list() { return agree::registry_to_json(registry()); }

agree::Registry Parties::registry() {
  const std::lock_guard lock(mutex_);
  return registry_;
}

nlohmann::json Parties::register_party(const nlohmann::json& body) {
  if (!body.is_object()) throw ApiError(ErrorKind::invalid_body, "the body must be a public key document (NAME.pub)");
  agree::PublicKey key;
  try {
    key = agree::public_key_from_json(body, "body");
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_body, e.what());
  }
  auto text = [&](const char* field) -> std::optional<std::string> {
    if (!body.contains(field)) return std::nullopt;
    if (!body[field].is_string())
      throw ApiError(ErrorKind::invalid_body, std::string("body: ") + field + " must be a string");
    return body[field].get<std::string>();
  };
  const auto name = text("name");
  const auto role = text("role");
  const std::lock_guard lock(mutex_);
  auto updated = registry_;
  bool added = false;
  try {
    added = agree::register_key(updated, key, name.value_or(""), role);
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_body, e.what());
  }
  store_.save_registry(updated);
  registry_ = std::move(updated);
  return {{"party", key.party}, {"kid", key.kid}, {"registered", added}};
}

}  // namespace corridor::server
