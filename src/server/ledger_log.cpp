// The ledger resource: GET /ledger/head and the RFC 6962 proofs, and the
// appends of the agreements and incidents resources, one at a time.
#include <charconv>

#include "corridor/ledger/proof.hpp"
#include "corridor/monitor/kinds.hpp"
#include "resources.hpp"

namespace corridor::server {

std::uint64_t unsigned_param(const std::string& key, const std::string& text) {
  std::uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
    throw ApiError(ErrorKind::invalid_value, "parameter " + key + ": expected a whole number, got \"" + text + "\"");
  }
  return value;
}

namespace {

std::optional<std::uint64_t> optional_unsigned(const Params& params, const std::string& key) {
  const auto text = param(params, key);
  if (!text) return std::nullopt;
  return unsigned_param(key, *text);
}

std::uint64_t required_unsigned(const Params& params, const std::string& key) {
  const auto value = optional_unsigned(params, key);
  if (!value) throw ApiError(ErrorKind::invalid_value, "parameter " + key + " is required");
  return *value;
}

}  // namespace

nlohmann::json LedgerLog::head() {
  const std::lock_guard lock(mutex_);
  const auto head = ledger_.latest_head();
  if (!head) throw ApiError(ErrorKind::internal, "the ledger has no signed head");
  return {{"log", ledger_.info().name},
          {"size", head->size},
          {"root", crypto::hex(head->root)},
          {"timestamp", head->timestamp},
          {"note", head->note},
          {"verifier_key", ledger::format_verifier_key(ledger_.info().verifier)}};
}

nlohmann::json LedgerLog::inclusion_proof(const Params& params) {
  const auto index = required_unsigned(params, "index");
  const auto size = optional_unsigned(params, "size");
  const std::lock_guard lock(mutex_);
  try {
    return ledger::inclusion_proof_json(ledger_, index, size);
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_value, e.what());
  }
}

nlohmann::json LedgerLog::consistency_proof(const Params& params) {
  const auto old_size = required_unsigned(params, "old");
  const auto new_size = optional_unsigned(params, "new");
  const std::lock_guard lock(mutex_);
  try {
    return ledger::consistency_proof_json(ledger_, old_size, new_size);
  } catch (const InputError& e) {
    throw ApiError(ErrorKind::invalid_value, e.what());
  }
}

ledger::AppendResult LedgerLog::append(const nlohmann::json& signed_doc, const agree::Registry& registry) {
  const std::lock_guard lock(mutex_);
  return ledger::append_document(ledger_, signed_doc, registry, monitor::ledger_kinds(), signer_);
}

}  // namespace corridor::server
