// A small emitter reproducing yaml.v3's block layout rules:
//  * a block collection under a mapping key is indented to the next multiple of 4 columns;
//  * a collection that is a sequence item starts right after "- " (2 columns in);
//  * literal block scalars ("|") hold multi-line strings; their lines follow the same indent rule.
// Scalar styles follow yaml.v3: strings that would read back as another type are double-quoted,
// strings with YAML indicators single-quoted, unprintable ones double-quoted with escapes.
#include "util/yaml_emit.h"

#include <charconv>
#include <limits>
#include <regex>
#include <string_view>

#include <fmt/format.h>

namespace util {
namespace {

constexpr int kIndent = 4;

enum class Style { Plain, SingleQuoted, DoubleQuoted, Literal };

int next_indent(int column) {
  return kIndent * ((column + kIndent) / kIndent);
}

bool is_break(char c) {
  return c == '\n' || c == '\r';
}
bool is_blank_or_end(std::string_view s, size_t i) {
  return i >= s.size() || s[i] == ' ' || s[i] == '\t' || is_break(s[i]);
}

bool is_old_bool(const std::string& s) {
  static const char* const kWords[] = {"y",  "Y",  "yes", "Yes", "YES", "n",   "N",   "no",
                                       "No", "NO", "on",  "On",  "ON",  "off", "Off", "OFF"};
  for (const char* w : kWords) {
    if (s == w) {
      return true;
    }
  }
  return false;
}

// Would yaml.v3's resolver read this plain scalar as something other than a string?
bool resolves_to_non_string(const std::string& s) {
  static const char* const kSpecial[] = {"",      "~",     "null",  "Null",  "NULL",  "true",
                                         "True",  "TRUE",  "false", "False", "FALSE", ".inf",
                                         ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF", "-.inf",
                                         "-.Inf", "-.INF", ".nan",  ".NaN",  ".NAN",  "<<"};
  for (const char* w : kSpecial) {
    if (s == w) {
      return true;
    }
  }
  const char first = s[0];
  const bool numeric_start =
      (first >= '0' && first <= '9') || first == '+' || first == '-' || first == '.';
  if (!numeric_start) {
    return false;
  }
  static const std::regex kInt(R"(^[-+]?(0b[01_]+|0o[0-7_]+|0x[0-9a-fA-F_]+|[0-9][0-9_]*)$)");
  static const std::regex kFloat(R"(^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$)");
  static const std::regex kTimestamp(
      R"(^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]| +)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]*)?( *(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?$)");
  static const std::regex kBase60(R"(^[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?$)");
  std::string plain;
  plain.reserve(s.size());
  for (char c : s) {
    if (c != '_') {
      plain += c;
    }
  }
  return std::regex_match(s, kInt) || std::regex_match(plain, kFloat) ||
         std::regex_match(s, kTimestamp) || std::regex_match(s, kBase60);
}

struct Analysis {
  bool block_plain_allowed = true;
  bool single_quoted_allowed = true;
  bool block_allowed = true;
  bool multiline = false;
};

bool is_printable(unsigned char c) {
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c != 0x7F);
}

// Mirrors libyaml's scalar analysis (block context): which styles can represent `s` faithfully.
Analysis analyze(std::string_view s) {
  Analysis a;
  if (s.empty()) {
    a.block_plain_allowed = false;
    a.block_allowed = false;
    return a;
  }
  bool block_indicators = false, special = false, line_breaks = false;
  bool leading_space = false, leading_break = false, trailing_space = false, trailing_break = false,
       break_space = false, space_break = false;
  bool previous_space = false, previous_break = false;
  if (s.starts_with("---") || s.starts_with("...")) {
    if (is_blank_or_end(s, 3)) {
      block_indicators = true;
    }
  }
  bool preceded_by_whitespace = true;
  for (size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool followed_by_whitespace = is_blank_or_end(s, i + 1);
    if (i == 0) {
      if (std::string_view("#,[]{}&*!|>'\"%@`").find(c) != std::string_view::npos) {
        block_indicators = true;
      }
      if ((c == '?' || c == ':' || c == '-') && followed_by_whitespace) {
        block_indicators = true;
      }
    } else {
      if (c == ':' && followed_by_whitespace) {
        block_indicators = true;
      }
      if (c == '#' && preceded_by_whitespace) {
        block_indicators = true;
      }
    }
    if (!is_printable(static_cast<unsigned char>(c))) {
      special = true;
    }
    if (is_break(c)) {
      line_breaks = true;
    }
    if (c == ' ') {
      if (i == 0) {
        leading_space = true;
      }
      if (i + 1 == s.size()) {
        trailing_space = true;
      }
      if (previous_break) {
        break_space = true;
      }
      previous_space = true;
      previous_break = false;
    } else if (is_break(c)) {
      if (i == 0) {
        leading_break = true;
      }
      if (i + 1 == s.size()) {
        trailing_break = true;
      }
      if (previous_space) {
        space_break = true;
      }
      previous_space = false;
      previous_break = true;
    } else {
      previous_space = false;
      previous_break = false;
    }
    preceded_by_whitespace = c == ' ' || c == '\t' || is_break(c);
  }
  a.multiline = line_breaks;
  if (leading_space || leading_break || trailing_space || trailing_break) {
    a.block_plain_allowed = false;
  }
  if (trailing_space) {
    a.block_allowed = false;
  }
  if (break_space) {
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
  }
  if (space_break || special) {
    a.block_plain_allowed = false;
    a.single_quoted_allowed = false;
    a.block_allowed = false;
  }
  if (line_breaks || block_indicators) {
    a.block_plain_allowed = false;
  }
  return a;
}

Style choose_style(const std::string& s, bool is_key) {
  const Analysis a = analyze(s);
  Style style = Style::Plain;
  if (s.find('\n') != std::string::npos) {
    style = Style::Literal;
  } else if (resolves_to_non_string(s) || is_old_bool(s)) {
    style = Style::DoubleQuoted;
  }
  if (style == Style::Plain && (!a.block_plain_allowed || (is_key && a.multiline))) {
    style = Style::SingleQuoted;
  }
  if (style == Style::SingleQuoted && !a.single_quoted_allowed) {
    style = Style::DoubleQuoted;
  }
  if (style == Style::Literal && (!a.block_allowed || is_key)) {
    style = Style::DoubleQuoted;
  }
  return style;
}

std::string single_quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') {
      out += '\'';
    }
  }
  return out + "'";
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '\0':
        out += "\\0";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\v':
        out += "\\v";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      case 0x1B:
        out += "\\e";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        if (c < 0x20 || c == 0x7F) {
          out += fmt::format("\\x{:02X}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string literal_header(const std::string& s) {
  std::string out = "|";
  if (s[0] == ' ' || is_break(s[0])) {
    out += std::to_string(kIndent);
  }
  const size_t n = s.size();
  if (!is_break(s[n - 1])) {
    out += '-';
  } else if (n == 1 || is_break(s[n - 2])) {
    out += '+';
  }
  return out;
}

// Writes the lines of a literal block scalar at `indent`; empty lines carry no spaces. The final
// line break of `s` is the one the caller writes after the scalar.
void write_literal_body(const std::string& s, int indent, std::string& out) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (;;) {
    const size_t end = s.find('\n', start);
    if (end == std::string::npos) {
      lines.emplace_back(std::string_view(s).substr(start));
      break;
    }
    lines.emplace_back(std::string_view(s).substr(start, end - start));
    start = end + 1;
  }
  if (s.back() == '\n') {
    lines.pop_back();
  }
  for (std::string_view line : lines) {
    out += '\n';
    if (!line.empty()) {
      out.append(static_cast<size_t>(indent), ' ');
      out += line;
    }
  }
}

std::string format_float(double d) {
  if (d != d) {
    return ".nan";
  }
  if (d == std::numeric_limits<double>::infinity()) {
    return ".inf";
  }
  if (d == -std::numeric_limits<double>::infinity()) {
    return "-.inf";
  }
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::general);
  return std::string(buf, end);
}

class Emitter {
 public:
  std::string take() { return std::move(out_); }

  // Emits `node` as the value of a construct whose content would start at `indent`; the caller
  // has already written whatever precedes it on the current line (a key and ':' or "- ").
  // `after_dash` is true for sequence items, whose collections continue on the dash's line.
  void value(const Tree& node, int indent, bool after_dash, bool top) {
    if (node.is_object() && !node.empty()) {
      mapping(node, indent, after_dash, top);
    } else if (node.is_array() && !node.empty()) {
      sequence(node, indent, after_dash, top);
    } else {
      if (!top) {
        out_ += ' ';
      }
      scalar(node, indent);
      out_ += '\n';
    }
  }

 private:
  void start_line(int indent, bool& inline_first) {
    if (inline_first) {
      inline_first = false;
      return;
    }
    out_.append(static_cast<size_t>(indent), ' ');
  }

  void mapping(const Tree& node, int indent, bool after_dash, bool top) {
    bool inline_first = after_dash;
    if (!after_dash && !top) {
      out_ += '\n';
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
      start_line(indent, inline_first);
      key(it.key());
      out_ += ':';
      const Tree& child = it.value();
      value(child, next_indent(indent), false, false);
    }
  }

  void sequence(const Tree& node, int indent, bool after_dash, bool top) {
    bool inline_first = after_dash;
    if (!after_dash && !top) {
      out_ += '\n';
    }
    for (const Tree& item : node) {
      start_line(indent, inline_first);
      out_ += '-';
      if ((item.is_object() || item.is_array()) && !item.empty()) {
        out_ += ' ';
        value(item, indent + 2, true, false);
      } else {
        value(item, indent + 2, false, false);
      }
    }
  }

  void key(const std::string& k) {
    switch (choose_style(k, true)) {
      case Style::Plain:
        out_ += k;
        break;
      case Style::SingleQuoted:
        out_ += single_quoted(k);
        break;
      default:
        out_ += double_quoted(k);
        break;
    }
  }

  // Writes a scalar (or empty collection) starting at the cursor; a literal block's lines go to
  // `indent`, the indent the scalar's content would have.
  void scalar(const Tree& node, int indent) {
    switch (node.type()) {
      case Tree::value_t::null:
        out_ += "null";
        return;
      case Tree::value_t::boolean:
        out_ += node.get<bool>() ? "true" : "false";
        return;
      case Tree::value_t::number_integer:
        out_ += std::to_string(node.get<int64_t>());
        return;
      case Tree::value_t::number_unsigned:
        out_ += std::to_string(node.get<uint64_t>());
        return;
      case Tree::value_t::number_float:
        out_ += format_float(node.get<double>());
        return;
      case Tree::value_t::object:
        out_ += "{}";
        return;
      case Tree::value_t::array:
        out_ += "[]";
        return;
      case Tree::value_t::string:
        break;
      default:
        out_ += "null";
        return;
    }
    const std::string& s = node.get_ref<const std::string&>();
    switch (choose_style(s, false)) {
      case Style::Plain:
        out_ += s;
        break;
      case Style::SingleQuoted:
        out_ += single_quoted(s);
        break;
      case Style::DoubleQuoted:
        out_ += double_quoted(s);
        break;
      case Style::Literal:
        out_ += literal_header(s);
        write_literal_body(s, indent, out_);
        break;
    }
  }

  std::string out_;
};

}  // namespace

bool yaml_plain_allowed(const std::string& s) {
  return choose_style(s, false) == Style::Plain;
}

std::string emit_yaml(const Tree& doc) {
  Emitter e;
  e.value(doc, 0, false, true);
  return e.take();
}

std::string emit_yaml_stream(const std::vector<Tree>& docs) {
  std::string out;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (i > 0) {
      out += "---\n";
    }
    out += emit_yaml(docs[i]);
  }
  return out;
}

}  // namespace util
