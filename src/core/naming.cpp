#include "core/naming.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "util/base64.hpp"
#include "util/text.hpp"

namespace visionary::core {

bool is_valid_container_name(std::string_view name) {
  if (name.size() < 3 || name.size() > 63 || name.front() == '-' || name.back() == '-' ||
      name.find("--") != std::string_view::npos) {
    return false;
  }
  return std::all_of(name.begin(), name.end(), [](char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-';
  });
}
namespace {

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool valid_token(std::string_view s) {
  return s.size() == token_length && std::all_of(s.begin(), s.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
         });
}

constexpr std::string_view cursor_version = "v1:";

}  // namespace

std::string inverted_millis(util::sys_time t) {
  const std::int64_t value = inverted_base - util::unix_millis(t);
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%013lld", static_cast<long long>(value));
  return buffer;
}

std::optional<util::sys_time> time_from_inverted(std::string_view digits) {
  if (digits.size() != 13 || !all_digits(digits)) return std::nullopt;
  const auto value = util::parse_number<std::int64_t>(digits);
  if (!value || inverted_base - *value > util::max_unix_millis) return std::nullopt;
  return util::from_unix_millis(inverted_base - *value);
}

image_names make_image_names(util::sys_time created, std::string_view prompt,
                             std::string_view token, std::string_view extension) {
  const std::string inverted = inverted_millis(created);
  const std::string stem =
      inverted + "_" + util::slugify(prompt, slug_max_length) + "_" + std::string(token);
  return image_names{inverted + "-" + std::string(token),
                     std::string(image_prefix) + stem + "." + std::string(extension),
                     std::string(thumbnail_prefix) + stem + ".webp"};
}

std::optional<parsed_image_id> parse_image_id(std::string_view id) {
  if (id.size() != 13 + 1 + token_length || id[13] != '-') return std::nullopt;
  const auto inverted = id.substr(0, 13);
  const auto token = id.substr(14);
  if (!all_digits(inverted) || !valid_token(token)) return std::nullopt;
  return parsed_image_id{std::string(inverted), std::string(token)};
}

std::string image_blob_prefix(const parsed_image_id& id) {
  return std::string(image_prefix) + id.inverted + "_";
}

namespace {

// "{inverted}_{slug}_{token}" of an image blob name, or empty.
std::string_view image_stem(std::string_view blob_name) {
  if (!util::starts_with(blob_name, image_prefix)) return {};
  const auto dot = blob_name.rfind('.');
  if (dot == std::string_view::npos) return {};
  const auto extension = blob_name.substr(dot + 1);
  if (extension != "png" && extension != "jpg" && extension != "webp") return {};
  return blob_name.substr(image_prefix.size(), dot - image_prefix.size());
}

}  // namespace

std::string_view slug_of_image_blob(std::string_view blob_name) {
  const auto stem = image_stem(blob_name);
  if (stem.size() < 13 + 2 + token_length) return {};
  return stem.substr(14, stem.size() - 14 - 1 - token_length);
}

std::optional<image_names> names_from_image_blob(std::string_view blob_name) {
  const std::string_view stem = image_stem(blob_name);
  if (stem.empty()) return std::nullopt;
  const auto first = stem.find('_');
  const auto last = stem.rfind('_');
  if (first != 13 || last == first) return std::nullopt;
  const auto inverted = stem.substr(0, 13);
  const auto token = stem.substr(last + 1);
  if (!all_digits(inverted) || !valid_token(token)) return std::nullopt;
  return image_names{std::string(inverted) + "-" + std::string(token), std::string(blob_name),
                     std::string(thumbnail_prefix) + std::string(stem) + ".webp"};
}

std::string encode_cursor(std::string_view marker) {
  return util::base64url_encode(std::string(cursor_version) + std::string(marker));
}

outcome<std::string> decode_cursor(std::string_view cursor) {
  auto bad = [] {
    return make_error(error_kind::invalid_request,
                      "The cursor is not valid; use the nextCursor value of a previous page.");
  };
  if (cursor.empty() || cursor.size() > 4096) return bad();
  auto decoded = util::base64url_decode(cursor);
  if (!decoded || !util::starts_with(*decoded, cursor_version) ||
      decoded->size() == cursor_version.size() || !util::is_valid_utf8(*decoded)) {
    return bad();
  }
  return decoded->substr(cursor_version.size());
}

std::string edit_marker_prefix(std::string_view parent_id) {
  return std::string(edit_marker_root) + std::string(parent_id) + "/";
}

std::string edit_marker_name(std::string_view parent_id, std::string_view child_id) {
  return edit_marker_prefix(parent_id) + std::string(child_id);
}

}  // namespace visionary::core
