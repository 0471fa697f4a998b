#pragma once
// A set of arcs as a bit vector: the closures (hazards, windows, rules) a
// search must respect. Applied at query time, never baked into the graph,
// so that a new closure costs one bit vector, not a rebuild.
#include <algorithm>
#include <bit>
#include <cstdint>
#include <vector>

namespace corridor::route {

class ArcSet {
 public:
  ArcSet() = default;
  explicit ArcSet(std::uint32_t arc_count) : size_(arc_count), words_((arc_count + 63) / 64, 0) {}

  [[nodiscard]] bool contains(std::uint32_t a) const noexcept { return (words_[a >> 6] >> (a & 63)) & 1u; }
  void insert(std::uint32_t a) noexcept { words_[a >> 6] |= std::uint64_t{1} << (a & 63); }
  void insert_all(const ArcSet& other) noexcept {
    for (std::size_t i = 0; i < words_.size() && i < other.words_.size(); ++i) words_[i] |= other.words_[i];
  }
  [[nodiscard]] std::uint32_t size() const noexcept { return size_; }  // universe: the graph's arc count
  [[nodiscard]] bool operator==(const ArcSet& other) const noexcept = default;
  // The arcs in exactly one of a and b (null: the empty set), ascending:
  // what changes from one closure state to the other.
  [[nodiscard]] static std::vector<std::uint32_t> difference(const ArcSet* a, const ArcSet* b) {
    std::vector<std::uint32_t> out;
    const std::size_t words = std::max(a ? a->words_.size() : 0, b ? b->words_.size() : 0);
    for (std::size_t i = 0; i < words; ++i) {
      auto w = (a && i < a->words_.size() ? a->words_[i] : 0) ^ (b && i < b->words_.size() ? b->words_[i] : 0);
      for (; w != 0; w &= w - 1) out.push_back(static_cast<std::uint32_t>(i * 64 + std::countr_zero(w)));
    }
    return out;
  }
  [[nodiscard]] std::uint32_t count() const noexcept {
    std::uint32_t c = 0;
    for (auto w : words_) c += static_cast<std::uint32_t>(std::popcount(w));
    return c;
  }

 private:
  std::uint32_t size_ = 0;
  std::vector<std::uint64_t> words_;
};

}  // namespace corridor::route
