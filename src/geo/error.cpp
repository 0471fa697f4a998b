#include "corridor/error.hpp"

namespace corridor {
namespace {

std::string describe(const std::string& source, const std::vector<Problem>& problems) {
  std::string text = source + ": ";
  text += problems.size() == 1 ? "1 problem" : std::to_string(problems.size()) + " problems";
  for (const auto& p : problems) {
    text += "\n  ";
    if (!p.path.empty()) text += p.path + ": ";
    text += p.message;
  }
  return text;
}

}  // namespace

ValidationError::ValidationError(const std::string& source, std::vector<Problem> problems)
    : Error(describe(source, problems)), problems_(std::move(problems)) {}

}  // namespace corridor
