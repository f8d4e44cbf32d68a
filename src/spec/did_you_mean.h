// "Did you mean …?" suggestions for misspelt keys and enum values.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace spec {

// Edit distance (insertions, deletions, substitutions, adjacent transpositions), ignoring case.
int edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` when it is close enough to be a plausible typo (distance at
// most a third of the word's length, at least 1; a case-only difference always qualifies).
std::optional<std::string> did_you_mean(std::string_view word,
                                        std::span<const std::string_view> candidates);

}  // namespace spec
