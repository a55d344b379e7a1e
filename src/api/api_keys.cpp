#include "api/api_keys.hpp"

#include <algorithm>
#include <set>

#include "util/crypto.hpp"
#include "util/text.hpp"

namespace visionary::api {

namespace {

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '_' || c == '-';
}

bool is_key_char(char c) {
  return c > 0x20 && c < 0x7F && c != ',';
}

// "entry 2 (ci)": how a problem names an entry without showing its key.
std::string entry_label(std::size_t index, std::string_view name) {
  std::string label = "entry " + std::to_string(index + 1);
  if (!name.empty() && name.size() <= max_api_key_name_chars &&
      std::all_of(name.begin(), name.end(), is_name_char)) {
    label += " (" + std::string(name) + ")";
  }
  return label;
}

app_error invalid(std::string message) {
  return make_error(error_kind::invalid_request, std::move(message));
}

// One "name:key" entry checked; the error says what is wrong, never what the key is.
outcome<void> check_entry(std::size_t index, std::string_view name, std::string_view key) {
  const std::string label = entry_label(index, name);
  if (name.empty() || name.size() > max_api_key_name_chars ||
      !std::all_of(name.begin(), name.end(), is_name_char)) {
    return invalid(label + ": the name must be 1 to " + std::to_string(max_api_key_name_chars) +
                   " letters, digits, '.', '_' or '-'");
  }
  if (key.size() < min_api_key_chars || key.size() > max_api_key_chars) {
    return invalid(label + ": the key must be " + std::to_string(min_api_key_chars) + " to " +
                   std::to_string(max_api_key_chars) + " characters long");
  }
  if (!std::all_of(key.begin(), key.end(), is_key_char)) {
    return invalid(label + ": the key must be printable ASCII without spaces or commas");
  }
  return {};
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

}  // namespace

outcome<api_key_table> api_key_table::from_entries(const std::vector<std::string_view>& entries) {
  if (entries.size() > max_api_keys)
    return invalid("at most " + std::to_string(max_api_keys) + " keys are allowed");
  api_key_table table;
  std::set<std::string, std::less<>> names;
  std::set<std::string, std::less<>> digests;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const auto colon = entries[i].find(':');
    if (colon == std::string_view::npos)
      return invalid(entry_label(i, "") + ": write it as name:key");
    const auto name = util::trim(entries[i].substr(0, colon));
    const auto key = util::trim(entries[i].substr(colon + 1));
    if (auto checked = check_entry(i, name, key); !checked) return checked.error();
    if (!names.emplace(name).second)
      return invalid(entry_label(i, name) + ": the name is used twice");
    auto digest = util::sha256(key);
    if (!digests.insert(digest).second)
      return invalid(entry_label(i, name) + ": the key is the same as another entry's");
    table.keys_.push_back(entry{std::string(name), std::move(digest)});
  }
  return table;
}

outcome<api_key_table> api_key_table::parse(std::string_view text) {
  std::vector<std::string_view> entries;
  for (const auto part : split(text, ',')) {
    if (!util::trim(part).empty()) entries.push_back(part);
  }
  return from_entries(entries);
}

outcome<api_key_table> api_key_table::parse_lines(std::string_view text) {
  std::vector<std::string_view> entries;
  for (auto line : split(text, '\n')) {
    line = util::trim(line);
    if (!line.empty() && line.front() != '#') entries.push_back(line);
  }
  return from_entries(entries);
}

std::optional<std::string> api_key_table::identify(std::string_view presented) const {
  const std::string digest = util::sha256(presented);
  const entry* found = nullptr;
  // Every entry is compared, found or not: the time taken says nothing about which one matched.
  for (const auto& key : keys_) {
    const bool same = util::constant_time_equal(digest, key.digest);
    if (same && found == nullptr) found = &key;
  }
  if (found == nullptr) return std::nullopt;
  return found->name;
}

std::vector<std::string> api_key_table::names() const {
  std::vector<std::string> out;
  for (const auto& key : keys_) out.push_back(key.name);
  return out;
}

std::optional<std::string_view> bearer_token(std::string_view authorization) {
  constexpr std::string_view scheme = "Bearer ";
  if (authorization.size() <= scheme.size() ||
      !util::iequals_ascii(authorization.substr(0, scheme.size()), scheme)) {
    return std::nullopt;
  }
  const auto token = util::trim(authorization.substr(scheme.size()));
  if (token.empty()) return std::nullopt;
  return token;
}

}  // namespace visionary::api
