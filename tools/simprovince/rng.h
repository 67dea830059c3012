// Deterministic pseudo-random numbers for the simulated province.
//
// Everything the generator and the renderer produce must be byte-identical for the same
// inputs on every platform, so we never use std::*_distribution (their output is
// implementation-defined). SplitMix64 for seeding and hashing, xoshiro256** for streams.
#ifndef GOVINSPECT_TOOLS_SIMPROVINCE_RNG_H_
#define GOVINSPECT_TOOLS_SIMPROVINCE_RNG_H_

#include <cstdint>
#include <string_view>
#include <vector>

namespace govinspect::simprovince {

inline uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Stable 64-bit hash of a byte string (FNV-1a folded through SplitMix64).
inline uint64_t HashString(std::string_view s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return SplitMix64(h);
}

inline uint64_t Mix(uint64_t a, uint64_t b) { return SplitMix64(a ^ SplitMix64(b + 0x632be59bd9b4e019ULL)); }
inline uint64_t Mix(uint64_t a, uint64_t b, uint64_t c) { return Mix(Mix(a, b), c); }
inline uint64_t Mix(uint64_t a, uint64_t b, uint64_t c, uint64_t d) { return Mix(Mix(a, b, c), d); }

class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t x = seed;
    for (uint64_t& s : s_) {
      x = SplitMix64(x);
      s = x;
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform integer in [0, n); n > 0. Multiply-shift (bias < 2^-32, deterministic).
  uint64_t Below(uint64_t n) {
    if (n <= 1) return 0;
    return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
  }
  // Uniform integer in [lo, hi] inclusive.
  int64_t Range(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
  }
  // Uniform double in [0, 1) from 53 bits.
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }
  template <typename T, size_t N>
  const T& Pick(const T (&a)[N]) {
    return a[Below(N)];
  }

  template <typename T>
  void Shuffle(std::vector<T>& v) {
    for (size_t i = v.size(); i > 1; --i) {
      size_t j = Below(i);
      std::swap(v[i - 1], v[j]);
    }
  }

  // Approximately log-normal value with the given median, via a sum of uniforms
  // (Irwin-Hall, 12 terms) for the normal part: deterministic and libm-independent
  // apart from exp(), which glibc computes correctly rounded.
  double LogNormal(double median, double sigma);

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace govinspect::simprovince

#endif  // GOVINSPECT_TOOLS_SIMPROVINCE_RNG_H_
