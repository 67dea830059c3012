#ifndef GOVINSPECT_COMMON_TEXT_AHO_CORASICK_H_
#define GOVINSPECT_COMMON_TEXT_AHO_CORASICK_H_

// A byte-level Aho–Corasick automaton: every occurrence of every pattern in one left-to-right
// pass, O(text + matches). Patterns are byte strings; for valid UTF-8 patterns in valid UTF-8 text
// every match starts and ends on a character boundary (UTF-8 is self-synchronising), so matching
// bytes is matching characters. Immutable after Build; Scan is thread-safe.
//
// Memory: the root has a dense 256-entry table; other states keep their goto edges sorted in one
// flat array (CJK patterns give ~1 edge per state), so 10,000 six-character terms take ~5 MB.

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace govinspect::common {

class AhoCorasick {
 public:
  // Empty patterns are ignored. Pattern ids are the indices into `patterns`.
  explicit AhoCorasick(const std::vector<std::string>& patterns);

  // The automaton state between bytes; start with kRoot.
  static constexpr int32_t kRoot = 0;
  int32_t Step(int32_t state, unsigned char byte) const;
  // Calls emit(pattern_id, end_offset_exclusive) for every pattern ending at state `state`
  // (end = the offset just after the byte that led there).
  template <typename Emit>
  void EmitAt(int32_t state, size_t end, Emit&& emit) const {
    for (int32_t s = has_output_[state] ? state : output_link_[state]; s > 0;
         s = output_link_[s]) {
      for (int32_t i = out_begin_[s]; i < out_begin_[s + 1]; ++i) emit(out_[i], end);
    }
  }
  // Every occurrence in `text`.
  template <typename Emit>
  void Scan(absl::string_view text, Emit&& emit) const {
    int32_t s = kRoot;
    for (size_t i = 0; i < text.size(); ++i) {
      s = Step(s, static_cast<unsigned char>(text[i]));
      if (has_any_output_[s]) EmitAt(s, i + 1, emit);
    }
  }

  size_t pattern_count() const { return pattern_lengths_.size(); }
  size_t pattern_length(int32_t id) const { return pattern_lengths_[id]; }
  size_t state_count() const { return fail_.size(); }
  size_t MemoryBytes() const;

 private:
  int32_t Goto(int32_t state, unsigned char byte) const;  // -1 if no edge

  int32_t root_next_[256];
  // Edges of state s: edge_bytes_/edge_next_[edge_begin_[s] .. edge_begin_[s + 1]).
  std::vector<int32_t> edge_begin_;
  std::vector<unsigned char> edge_bytes_;
  std::vector<int32_t> edge_next_;
  std::vector<int32_t> fail_;
  // Nearest proper suffix state that ends a pattern (0 = none).
  std::vector<int32_t> output_link_;
  std::vector<char> has_output_;      // a pattern ends exactly here
  std::vector<char> has_any_output_;  // here or through output_link_
  std::vector<int32_t> out_begin_;    // patterns ending at s: out_[out_begin_[s] .. out_begin_[s+1])
  std::vector<int32_t> out_;
  std::vector<size_t> pattern_lengths_;
};

}  // namespace govinspect::common

#endif  // GOVINSPECT_COMMON_TEXT_AHO_CORASICK_H_
