#include "common/text/aho_corasick.h"

#include <algorithm>
#include <deque>
#include <utility>

namespace govinspect::common {

AhoCorasick::AhoCorasick(const std::vector<std::string>& patterns) {
  // 1. The trie, with per-node child lists (sorted later).
  std::vector<std::vector<std::pair<unsigned char, int32_t>>> children(1);
  std::vector<std::vector<int32_t>> ends(1);
  pattern_lengths_.reserve(patterns.size());
  for (size_t id = 0; id < patterns.size(); ++id) {
    const std::string& p = patterns[id];
    pattern_lengths_.push_back(p.size());
    if (p.empty()) continue;
    int32_t s = 0;
    for (unsigned char b : p) {
      int32_t next = -1;
      for (const auto& [cb, child] : children[s]) {
        if (cb == b) {
          next = child;
          break;
        }
      }
      if (next < 0) {
        next = static_cast<int32_t>(children.size());
        children[s].push_back({b, next});
        children.emplace_back();
        ends.emplace_back();
      }
      s = next;
    }
    ends[s].push_back(static_cast<int32_t>(id));
  }
  const size_t n = children.size();
  edge_begin_.assign(n + 1, 0);
  for (size_t s = 0; s < n; ++s) {
    std::sort(children[s].begin(), children[s].end());
    edge_begin_[s + 1] = edge_begin_[s] + static_cast<int32_t>(children[s].size());
  }
  edge_bytes_.reserve(edge_begin_[n]);
  edge_next_.reserve(edge_begin_[n]);
  for (size_t s = 0; s < n; ++s) {
    for (const auto& [b, child] : children[s]) {
      edge_bytes_.push_back(b);
      edge_next_.push_back(child);
    }
  }
  std::fill(std::begin(root_next_), std::end(root_next_), 0);
  for (const auto& [b, child] : children[0]) root_next_[b] = child;

  out_begin_.assign(n + 1, 0);
  for (size_t s = 0; s < n; ++s) {
    out_begin_[s + 1] = out_begin_[s] + static_cast<int32_t>(ends[s].size());
  }
  out_.reserve(out_begin_[n]);
  for (size_t s = 0; s < n; ++s) out_.insert(out_.end(), ends[s].begin(), ends[s].end());
  has_output_.assign(n, 0);
  for (size_t s = 0; s < n; ++s) has_output_[s] = !ends[s].empty();

  // 2. Failure and output links, breadth first.
  fail_.assign(n, 0);
  output_link_.assign(n, 0);
  has_any_output_.assign(n, 0);
  std::deque<int32_t> queue;
  for (const auto& [b, child] : children[0]) {
    (void)b;
    queue.push_back(child);
  }
  while (!queue.empty()) {
    int32_t s = queue.front();
    queue.pop_front();
    const int32_t f = fail_[s];
    output_link_[s] = has_output_[f] ? f : output_link_[f];
    has_any_output_[s] = has_output_[s] || output_link_[s] != 0;
    for (const auto& [b, child] : children[s]) {
      fail_[child] = Step(f, b);
      // Step from the parent's failure state; a child of the root fails to the root.
      queue.push_back(child);
    }
  }
}

int32_t AhoCorasick::Goto(int32_t state, unsigned char byte) const {
  const int32_t begin = edge_begin_[state], end = edge_begin_[state + 1];
  if (end - begin <= 8) {
    for (int32_t i = begin; i < end; ++i) {
      if (edge_bytes_[i] == byte) return edge_next_[i];
    }
    return -1;
  }
  auto first = edge_bytes_.begin() + begin, last = edge_bytes_.begin() + end;
  auto it = std::lower_bound(first, last, byte);
  if (it == last || *it != byte) return -1;
  return edge_next_[it - edge_bytes_.begin()];
}

int32_t AhoCorasick::Step(int32_t state, unsigned char byte) const {
  while (state != kRoot) {
    int32_t next = Goto(state, byte);
    if (next >= 0) return next;
    state = fail_[state];
  }
  return root_next_[byte];
}

size_t AhoCorasick::MemoryBytes() const {
  return sizeof(*this) + edge_begin_.capacity() * 4 + edge_bytes_.capacity() +
         edge_next_.capacity() * 4 + fail_.capacity() * 4 + output_link_.capacity() * 4 +
         has_output_.capacity() + has_any_output_.capacity() + out_begin_.capacity() * 4 +
         out_.capacity() * 4 + pattern_lengths_.capacity() * sizeof(size_t);
}

}  // namespace govinspect::common
