#include "core/suggestion_text.hpp"

#include <array>
#include <optional>
#include <vector>

#include "core/validation.hpp"
#include "util/text.hpp"

namespace visionary::core {
namespace {

// A lead-in such as "Here is a prompt:" is short; a colon further in belongs to the prompt.
constexpr std::size_t max_label_bytes = 48;

// Quote marks a model puts around its answer: straight, curly, guillemets, CJK corner brackets.
constexpr std::array<std::string_view, 11> quote_marks = {"\"",     "'",      "\u201C", "\u201D",
                                                          "\u2018", "\u2019", "\u00AB", "\u00BB",
                                                          "\u201E", "\u300C", "\u300D"};

// Reasoning models (served by llama.cpp, say) may think aloud first: "<think>...</think>answer".
// An answer that is all reasoning, never closed, has no suggestion in it.
std::string_view without_reasoning(std::string_view text) {
  constexpr std::string_view close = "</think>";
  if (const auto end = text.rfind(close); end != std::string_view::npos) {
    return text.substr(end + close.size());
  }
  if (util::trim(text).starts_with("<think>")) return {};
  return text;
}

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const auto end = text.find_first_of("\r\n");
    lines.push_back(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return lines;
}

bool is_ascii_digit(char c) {
  return c >= '0' && c <= '9';
}

// Block markup at the start of a line: headings, block quotes, bullets, "1." and "1)" numbers.
std::string_view without_block_markup(std::string_view line) {
  line = util::trim(line);
  while (!line.empty() && (line.front() == '#' || line.front() == '>')) {
    line = util::trim(line.substr(1));
  }
  if (line.size() >= 2 && (line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ') {
    return util::trim(line.substr(2));
  }
  std::size_t digits = 0;
  while (digits < line.size() && digits < 4 && is_ascii_digit(line[digits])) ++digits;
  if (digits > 0 && digits + 1 < line.size() && (line[digits] == '.' || line[digits] == ')') &&
      line[digits + 1] == ' ') {
    return util::trim(line.substr(digits + 2));
  }
  return line;
}

// Emphasis and code marks (*, **, __, `) wherever they are; an image prompt needs none of them.
// Runs of spaces and tabs become one space.
std::string without_inline_markup(std::string_view line) {
  std::string out;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '*' || c == '`') continue;
    if (c == '_' && i + 1 < line.size() && line[i + 1] == '_') {
      ++i;
      continue;
    }
    if (c == ' ' || c == '\t') {
      if (!out.empty() && out.back() != ' ') out += ' ';
      continue;
    }
    out += c;
  }
  return std::string(util::trim(out));
}

bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Whether a lead-in names what follows: "Prompt", "Image prompt", "Here's one", "Idea #2".
bool is_lead_in(std::string_view label) {
  const std::string lower = util::to_lower_ascii(label);
  std::string_view rest = lower;
  while (!rest.empty()) {
    std::size_t start = 0;
    while (start < rest.size() && !is_ascii_letter(rest[start])) ++start;
    std::size_t end = start;
    while (end < rest.size() && is_ascii_letter(rest[end])) ++end;
    const auto word = rest.substr(start, end - start);
    for (const std::string_view lead : {"prompt", "suggestion", "idea", "here"}) {
      if (word == lead) return true;
    }
    rest.remove_prefix(end);
  }
  return false;
}

// "Prompt:", "Image prompt:", "Here is a suggestion:", "Sure! Here's one:" lead-ins go.
std::string_view without_label(std::string_view line) {
  const auto colon = line.find(':');
  if (colon == std::string_view::npos || colon > max_label_bytes) return line;
  if (!is_lead_in(line.substr(0, colon))) return line;
  return util::trim(line.substr(colon + 1));
}

std::optional<std::string_view> quote_at_start(std::string_view text) {
  for (const auto mark : quote_marks) {
    if (text.starts_with(mark)) return mark;
  }
  return std::nullopt;
}

std::optional<std::string_view> quote_at_end(std::string_view text) {
  for (const auto mark : quote_marks) {
    if (text.ends_with(mark)) return mark;
  }
  return std::nullopt;
}

// Quotes around the whole text, also nested ("'...'") and with a period after them ("...".).
// An unpaired quote is part of the prompt (a sign reading 'OPEN').
std::string_view without_quotes(std::string_view text) {
  for (;;) {
    text = util::trim(text);
    std::string_view inner = text;
    if (inner.ends_with('.') && quote_at_end(inner.substr(0, inner.size() - 1))) {
      inner.remove_suffix(1);
    }
    const auto open = quote_at_start(inner);
    const auto close = quote_at_end(inner);
    if (!open || !close || inner.size() < open->size() + close->size()) return text;
    text = inner.substr(open->size(), inner.size() - open->size() - close->size());
  }
}

// The prompt of one line, empty when the line holds none (blank, a lead-in, a code fence).
std::string prompt_of_line(std::string_view raw_line) {
  if (util::trim(raw_line).starts_with("```")) return {};
  const std::string line = without_inline_markup(without_block_markup(raw_line));
  const std::string_view text = without_quotes(without_label(without_quotes(line)));
  // "Here you go:" and the like introduce the prompt on the next line.
  if (text.ends_with(':')) return {};
  return std::string(text);
}

}  // namespace

outcome<std::string> clean_suggestion(std::string_view answer) {
  if (answer.size() > max_suggestion_answer_bytes) {
    return make_error(error_kind::invalid_request, "The answer is longer than a suggestion.");
  }
  std::string prompt;
  for (const auto line : lines_of(without_reasoning(answer))) {
    prompt = prompt_of_line(line);
    if (!prompt.empty()) break;
  }
  if (prompt.empty()) return make_error(error_kind::invalid_request, "The answer holds no prompt.");
  auto checked = validate_prompt(prompt, max_suggestion_chars);
  if (!checked) return checked.error();
  if (util::utf8_length(*checked) < min_suggestion_chars) {
    return make_error(error_kind::invalid_request, "The answer is too short for a prompt.");
  }
  return checked;
}

}  // namespace visionary::core
