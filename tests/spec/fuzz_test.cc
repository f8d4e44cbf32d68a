// Deterministic mutation fuzzing of load_text: 10,000 mutated cluster files (byte flips,
// deletions, duplications, truncations, indentation changes, YAML punctuation). The loader must
// never crash or throw, and must return either a spec or at least one error diagnostic — with
// places that exist in the text.
#include <algorithm>
#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "spec/load.h"
#include "support.h"
#include "test_paths.h"
#include "util/file.h"

namespace spec {
namespace {

class Mutator {
 public:
  explicit Mutator(uint32_t seed) : rng_(seed) {}

  std::string mutate(std::string text) {
    const int rounds = 1 + static_cast<int>(next(4));
    for (int i = 0; i < rounds && !text.empty(); ++i) {
      apply(text, next(7));
    }
    return text;
  }

 private:
  uint32_t next(uint32_t bound) { return static_cast<uint32_t>(rng_() % bound); }
  size_t pos(const std::string& t) { return next(static_cast<uint32_t>(t.size())); }

  // Start of the line containing `p`.
  static size_t line_start(const std::string& t, size_t p) {
    const size_t nl = t.rfind('\n', p);
    return nl == std::string::npos ? 0 : nl + 1;
  }

  void apply(std::string& t, uint32_t kind) {
    static const std::string kPunct = ":-[]{}#&*!|>'\"%@`,?\n\t \\";
    const size_t p = pos(t);
    switch (kind) {
      case 0:  // flip a byte to anything, including NUL and invalid UTF-8
        t[p] = static_cast<char>(next(256));
        break;
      case 1:  // delete a range
        t.erase(p, 1 + next(40));
        break;
      case 2:  // duplicate a range in place
        t.insert(p, t.substr(p, 1 + next(80)));
        break;
      case 3:  // truncate
        t.resize(p);
        break;
      case 4:  // indent or dedent a line
        if (next(2) == 0) {
          t.insert(line_start(t, p), std::string(1 + next(4), ' '));
        } else if (t[line_start(t, p)] == ' ') {
          t.erase(line_start(t, p), 1 + next(2));
        }
        break;
      case 5:  // insert YAML punctuation
        t.insert(p, 1, kPunct[next(static_cast<uint32_t>(kPunct.size()))]);
        break;
      default:  // swap a line with the next one
      {
        const size_t a = line_start(t, p);
        const size_t b = t.find('\n', a);
        const size_t c = b == std::string::npos ? std::string::npos : t.find('\n', b + 1);
        if (c != std::string::npos) {
          const std::string first = t.substr(a, b - a), second = t.substr(b + 1, c - b - 1);
          t.replace(a, c - a, second + "\n" + first);
        }
      } break;
    }
  }

  std::mt19937 rng_;
};

size_t count_lines(const std::string& t) {
  return static_cast<size_t>(std::count(t.begin(), t.end(), '\n')) + 1;
}

void fuzz(uint32_t seed, int cases) {
  const std::string homelab_path = testing_paths::source("examples/homelab.yaml");
  const std::string homelab = *util::read_file(homelab_path);
  const std::string bases[] = {spec_test::kBase, homelab};
  Mutator m(seed);
  int specs = 0;
  for (int i = 0; i < cases; ++i) {
    const bool use_homelab = i % 2 == 1;
    const std::string text = m.mutate(bases[use_homelab ? 1 : 0]);
    const std::string name = use_homelab ? homelab_path : "cluster.yaml";
    const Loaded loaded = load_text(name, text);
    ASSERT_TRUE(loaded.spec.has_value() || has_errors(loaded.diagnostics))
        << "seed " << seed << " case " << i << ":\n"
        << text;
    ASSERT_EQ(loaded.spec.has_value(), !has_errors(loaded.diagnostics));
    for (const Diagnostic& d : loaded.diagnostics) {
      ASSERT_FALSE(d.message.empty());
      if (d.file == name && d.line > 0) {
        ASSERT_LE(static_cast<size_t>(d.line), count_lines(text) + 1) << d.message;
        ASSERT_GE(d.column, 1);
      }
    }
    specs += loaded.spec.has_value() ? 1 : 0;
  }
  // Some mutations (comments, whitespace) keep the file valid; most break it.
  EXPECT_GT(specs, 0);
  EXPECT_LT(specs, cases);
}

TEST(SpecFuzz, SurvivesMutatedFilesSeed1) {
  fuzz(1, 2500);
}
TEST(SpecFuzz, SurvivesMutatedFilesSeed2) {
  fuzz(2, 2500);
}
TEST(SpecFuzz, SurvivesMutatedFilesSeed3) {
  fuzz(3, 2500);
}
TEST(SpecFuzz, SurvivesMutatedFilesSeed4) {
  fuzz(4, 2500);
}

}  // namespace
}  // namespace spec
