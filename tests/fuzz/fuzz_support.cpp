// The one file of the fuzz targets that sees the checkout's absolute path: a
// -D value is part of every compilation's ccache key, so the targets
// themselves stay free of it and hit the cache in any clone.
#include "fuzz_support.hpp"

namespace corridor::fuzz {

std::string fixture(const std::string& name) { return std::string(CORRIDOR_FIXTURES) + "/" + name; }

}  // namespace corridor::fuzz
