#include "core/image_record.hpp"

#include <boost/json.hpp>
#include <charconv>
#include <cstdio>

#include "core/naming.hpp"
#include "core/request_settings.hpp"
#include "util/base64.hpp"
#include "util/compression.hpp"
#include "util/text.hpp"

namespace visionary::core {
namespace {

// Percent-encodes the longest code-point-aligned prefix whose encoding fits the budget.
std::pair<std::string, bool> encode_within(std::string_view text, std::size_t budget) {
  std::string encoded = util::percent_encode(text);
  if (encoded.size() <= budget) return {std::move(encoded), false};
  std::size_t keep = std::min(text.size(), budget);
  while (true) {
    const std::string_view prefix = util::utf8_prefix(text, keep);
    encoded = util::percent_encode(prefix);
    if (encoded.size() <= budget) return {std::move(encoded), true};
    keep = prefix.size() - std::max<std::size_t>(1, (encoded.size() - budget) / 3);
  }
}

int parse_int_or(std::string_view text, int fallback) {
  return util::parse_number<int>(text).value_or(fallback);
}

std::string_view find_or_empty(const core::blob_metadata& m, const std::string& key) {
  auto it = m.find(key);
  return it == m.end() ? std::string_view{} : std::string_view(it->second);
}

// Puts a prompt under `key` (percent-encoded) or `key`z (compressed) within the budget; true when
// even that did not fit and the stored text was cut.
bool store_prompt(core::blob_metadata& m, const std::string& key, std::string_view text,
                  std::size_t budget) {
  auto [encoded, truncated] = encode_within(text, budget);
  if (truncated) {
    std::string packed = util::base64_encode(util::deflate_raw(text));
    if (packed.size() <= budget) {
      m[key + "z"] = std::move(packed);
      return false;
    }
  }
  m[key] = std::move(encoded);
  return truncated;
}

// A prompt stored by store_prompt(); nullopt when there is none under either key.
std::optional<std::string> stored_prompt(const core::blob_metadata& m, const std::string& key) {
  if (auto packed = m.find(key + "z"); packed != m.end()) {
    auto deflated = util::base64_decode(packed->second);
    auto text = deflated ? util::inflate_raw(*deflated, max_prompt_bytes) : std::nullopt;
    if (text && util::is_valid_utf8(*text)) return text;
  }
  if (auto plain = m.find(key); plain != m.end()) {
    return util::percent_decode(plain->second).value_or(plain->second);
  }
  return std::nullopt;
}

std::string format_usd(double usd) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6f", usd);
  return buffer;
}

// "text,image,output" token counts, as to_metadata writes them.
std::optional<token_usage> parse_usage(std::string_view text) {
  const auto first = text.find(',');
  const auto second = text.find(',', first == std::string_view::npos ? first : first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return std::nullopt;
  auto in_text = util::parse_number<std::int64_t>(text.substr(0, first));
  auto in_image = util::parse_number<std::int64_t>(text.substr(first + 1, second - first - 1));
  auto out = util::parse_number<std::int64_t>(text.substr(second + 1));
  if (!in_text || !in_image || !out) return std::nullopt;
  return token_usage{*in_text, *in_image, *out};
}

// The settings as JSON; the negative prompt has a budgeted key of its own.
boost::json::object settings_without_negative_prompt(const generation_request& settings) {
  auto json = settings_json(settings);
  json.erase("negative_prompt");
  return json;
}

void read_stored_settings(const core::blob_metadata& m, image_record& r) {
  if (auto it = m.find("settings"); it != m.end()) {
    boost::system::error_code ec;
    const auto decoded = util::percent_decode(it->second);
    const auto value = decoded ? boost::json::parse(*decoded, ec) : boost::json::value();
    if (!ec && value.is_object()) read_settings_json(value.as_object(), r.settings);
  }
  r.settings.engine.negative_prompt = stored_prompt(m, "negativeprompt");
  if (auto it = m.find("parentid"); it != m.end()) r.parent_id = it->second;
}

}  // namespace

core::blob_metadata to_metadata(const image_record& r) {
  core::blob_metadata m;
  m["id"] = r.id;
  bool truncated = store_prompt(m, "prompt", r.prompt, prompt_metadata_budget);
  if (r.revised_prompt) {
    truncated |=
        store_prompt(m, "revisedprompt", *r.revised_prompt, revised_prompt_metadata_budget);
  }
  if (r.settings.engine.negative_prompt) {
    const std::size_t budget = r.revised_prompt ? 0 : negative_prompt_metadata_budget;
    truncated |= store_prompt(m, "negativeprompt", *r.settings.engine.negative_prompt, budget);
  }
  if (truncated) m["prompttruncated"] = "true";
  if (auto settings = settings_without_negative_prompt(r.settings); !settings.empty())
    m["settings"] = util::percent_encode(boost::json::serialize(settings));
  if (r.parent_id) m["parentid"] = *r.parent_id;
  m["provider"] = util::percent_encode(r.provider);
  m["model"] = util::percent_encode(r.model);
  m["width"] = std::to_string(r.width);
  m["height"] = std::to_string(r.height);
  m["createdat"] = util::format_rfc3339_millis(r.created_at);
  if (!r.thumbnail_blob.empty()) m["thumbnail"] = util::percent_encode_path(r.thumbnail_blob);
  if (r.cost_usd) m["costusd"] = format_usd(*r.cost_usd);
  if (r.usage) {
    m["usage"] = std::to_string(r.usage->input_text_tokens) + "," +
                 std::to_string(r.usage->input_image_tokens) + "," +
                 std::to_string(r.usage->output_tokens);
  }
  return m;
}

std::optional<image_record> from_blob(const core::blob_properties& blob) {
  auto names = names_from_image_blob(blob.name);
  if (!names) return std::nullopt;
  const auto& m = blob.metadata;
  image_record r;
  r.id = names->id;
  r.blob_name = blob.name;
  r.bytes = blob.size;
  r.content_type = blob.content_type.empty() ? "image/png" : blob.content_type;
  const auto decode = [](std::string_view v) {
    return util::percent_decode(v).value_or(std::string(v));
  };

  if (auto prompt = stored_prompt(m, "prompt")) {
    r.prompt = std::move(*prompt);
  } else {
    // Written by another tool: the slug between the timestamp and the token is all we have.
    r.prompt = std::string(slug_of_image_blob(blob.name));
  }
  r.revised_prompt = stored_prompt(m, "revisedprompt");
  r.prompt_truncated = find_or_empty(m, "prompttruncated") == "true";
  r.provider = decode(find_or_empty(m, "provider"));
  r.model = decode(find_or_empty(m, "model"));
  r.width = parse_int_or(find_or_empty(m, "width"), 0);
  r.height = parse_int_or(find_or_empty(m, "height"), 0);
  if (auto thumb = m.find("thumbnail"); thumb != m.end()) {
    r.thumbnail_blob = decode(thumb->second);
  }
  if (auto cost = util::parse_number<double>(find_or_empty(m, "costusd"))) r.cost_usd = *cost;
  r.usage = parse_usage(find_or_empty(m, "usage"));
  read_stored_settings(m, r);
  const auto created = util::parse_iso_utc(find_or_empty(m, "createdat"));
  r.created_at =
      created ? *created : time_from_inverted(names->id.substr(0, 13)).value_or(blob.last_modified);
  return r;
}

std::string png_text_json(const image_record& r) {
  boost::json::object o{{"prompt", r.prompt},
                        {"provider", r.provider},
                        {"model", r.model},
                        {"createdAt", util::format_rfc3339_millis(r.created_at)}};
  o["revisedPrompt"] = r.revised_prompt ? boost::json::value(*r.revised_prompt) : nullptr;
  o["settings"] = settings_json(r.settings);
  if (r.parent_id) o["parentId"] = *r.parent_id;
  return boost::json::serialize(o);
}

bool apply_png_text(image_record& r, std::string_view json_text) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(json_text, ec);
  if (ec || !value.is_object()) return false;
  const auto& o = value.as_object();
  const auto* prompt = o.if_contains("prompt");
  if (prompt == nullptr || !prompt->is_string()) return false;
  r.prompt = std::string(prompt->as_string());
  if (const auto* revised = o.if_contains("revisedPrompt"); revised && revised->is_string()) {
    r.revised_prompt = std::string(revised->as_string());
  }
  if (const auto* settings = o.if_contains("settings"); settings && settings->is_object()) {
    if (const auto* negative = settings->as_object().if_contains("negative_prompt");
        negative && negative->is_string())
      r.settings.engine.negative_prompt = std::string(negative->as_string());
  }
  r.prompt_truncated = false;
  return true;
}

}  // namespace visionary::core
