#pragma once
// The kinds of signed document corridor keeps in its ledger, each checked by
// the module that owns it: agreements (agree::read_terms) and incident
// reports (parse_incident). Everything that appends to or verifies a
// corridor ledger passes these to ledger::check_document / verify_ledger.
#include "corridor/ledger/ledger.hpp"

namespace corridor::monitor {

const ledger::DocumentKinds& ledger_kinds();

}  // namespace corridor::monitor
