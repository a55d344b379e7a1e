#include "core/model_catalog.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

#include "core/model_catalog_data.hpp"
#include "util/text.hpp"

namespace visionary::core {

namespace json = boost::json;

namespace {

constexpr int max_catalog_n = 10;  // the most any Images API takes at once

// Reads the fields of one entry, each naming itself in an error as "<id>.<field>".
class entry_reader {
 public:
  entry_reader(const json::object& object, std::string where)
      : object_(object), where_(std::move(where)) {}

  app_error fail(std::string_view field, std::string_view expected) const {
    return make_error(error_kind::invalid_request,
                      where_ + "." + std::string(field) + " must be " + std::string(expected));
  }

  outcome<void> text(std::string_view field, std::string& target) const {
    const auto* v = object_.if_contains(field);
    if (v == nullptr) return {};
    if (!v->is_string() || v->as_string().empty()) return fail(field, "a non-empty string");
    target = std::string(v->as_string());
    return {};
  }

  outcome<void> flag(std::string_view field, bool& target) const {
    const auto* v = object_.if_contains(field);
    if (v == nullptr) return {};
    if (!v->is_bool()) return fail(field, "true or false");
    target = v->as_bool();
    return {};
  }

  outcome<void> number(std::string_view field, double min, double max, double& target) const {
    const auto* v = object_.if_contains(field);
    if (v == nullptr) return {};
    if (!v->is_number() || v->to_number<double>() < min || v->to_number<double>() > max) {
      return fail(
          field, "a number from " + util::format_decimal(min) + " to " + util::format_decimal(max));
    }
    target = v->to_number<double>();
    return {};
  }

  outcome<void> strings(std::string_view field, std::vector<std::string>& target) const {
    const auto* v = object_.if_contains(field);
    if (v == nullptr) return {};
    if (!v->is_array() || v->as_array().empty()) return fail(field, "a non-empty list of strings");
    target.clear();
    for (const auto& item : v->as_array()) {
      if (!item.is_string() || item.as_string().empty())
        return fail(field, "a non-empty list of strings");
      target.emplace_back(item.as_string());
    }
    return {};
  }

  // {"values": [...], "default": "..."}, or null to remove the option.
  outcome<void> options(std::string_view field, std::optional<option_values>& target) const {
    const auto* v = object_.if_contains(field);
    if (v == nullptr) return {};
    if (v->is_null()) {
      target.reset();
      return {};
    }
    if (!v->is_object()) return fail(field, "{\"values\": [...], \"default\": \"...\"} or null");
    const entry_reader inner(v->as_object(), where_ + "." + std::string(field));
    option_values read;
    if (auto r = inner.strings("values", read.values); !r) return r;
    if (auto r = inner.text("default", read.default_value); !r) return r;
    if (read.values.empty() || !read.allows(read.default_value))
      return fail(field, "a list of values with a default taken from it");
    target = std::move(read);
    return {};
  }

  outcome<void> range(std::string_view field, std::optional<number_range>& target) const {
    const auto* v = object_.if_contains(field);
    if (v == nullptr) return {};
    if (v->is_null()) {
      target.reset();
      return {};
    }
    if (!v->is_object()) return fail(field, "{\"min\", \"max\", \"default\"} or null");
    const entry_reader inner(v->as_object(), where_ + "." + std::string(field));
    number_range read;
    for (auto [name, slot] : {std::pair{"min", &read.min}, std::pair{"max", &read.max},
                              std::pair{"default", &read.default_value}}) {
      if (!v->as_object().contains(name)) return fail(field, "{\"min\", \"max\", \"default\"}");
      if (auto r = inner.number(name, -1e9, 1e9, *slot); !r) return r;
    }
    if (read.min > read.max || read.default_value < read.min || read.default_value > read.max)
      return fail(field, "a range with min <= default <= max");
    target = read;
    return {};
  }

  outcome<void> custom_size(std::optional<custom_size_rule>& target) const;
  outcome<void> providers(std::vector<provider_kind>& target) const;

  const json::object& object() const { return object_; }
  const std::string& where() const { return where_; }

 private:
  const json::object& object_;
  std::string where_;
};

outcome<void> entry_reader::custom_size(std::optional<custom_size_rule>& target) const {
  const auto* v = object_.if_contains("customSize");
  if (v == nullptr) return {};
  if (v->is_null()) {
    target.reset();
    return {};
  }
  if (!v->is_object()) return fail("customSize", "an object of size rules or null");
  const entry_reader inner(v->as_object(), where_ + ".customSize");
  custom_size_rule rule = target.value_or(custom_size_rule{});
  double multiple = rule.multiple_of, min_edge = rule.min_edge, max_edge = rule.max_edge;
  double min_pixels = double(rule.min_pixels), max_pixels = double(rule.max_pixels);
  if (auto r = inner.number("multipleOf", 1, 1024, multiple); !r) return r;
  if (auto r = inner.number("minEdge", 1, 16384, min_edge); !r) return r;
  if (auto r = inner.number("maxEdge", 1, 16384, max_edge); !r) return r;
  if (auto r = inner.number("minPixels", 1, 268435456, min_pixels); !r) return r;
  if (auto r = inner.number("maxPixels", 1, 268435456, max_pixels); !r) return r;
  if (auto r = inner.number("maxAspect", 1, 100, rule.max_aspect); !r) return r;
  rule.multiple_of = int(multiple);
  rule.min_edge = int(min_edge);
  rule.max_edge = int(max_edge);
  rule.min_pixels = std::uint64_t(min_pixels);
  rule.max_pixels = std::uint64_t(max_pixels);
  if (rule.min_edge > rule.max_edge || rule.min_pixels > rule.max_pixels)
    return fail("customSize", "rules whose minimums are not above their maximums");
  target = rule;
  return {};
}

outcome<void> entry_reader::providers(std::vector<provider_kind>& target) const {
  std::vector<std::string> names;
  if (auto r = strings("providers", names); !r) return r;
  if (names.empty()) return {};
  target.clear();
  for (const auto& name : names) {
    const auto kind = parse_provider_kind(name);
    if (!kind) {
      return fail("providers",
                  "a list of demo, openai, azure-openai, openai-compatible, automatic1111");
    }
    target.push_back(*kind);
  }
  return {};
}

constexpr std::string_view known_fields[] = {"id",
                                             "label",
                                             "providers",
                                             "default",
                                             "offered",
                                             "sizes",
                                             "defaultSize",
                                             "customSize",
                                             "quality",
                                             "style",
                                             "background",
                                             "outputFormat",
                                             "outputCompression",
                                             "moderation",
                                             "maxN",
                                             "maxPromptChars",
                                             "canEdit",
                                             "maxEditImages",
                                             "inputFidelity",
                                             "negativePrompt",
                                             "seed",
                                             "partialImages",
                                             "steps",
                                             "cfgScale",
                                             "denoisingStrength",
                                             "sampler",
                                             "checkpoint"};

outcome<void> check_known_fields(const entry_reader& reader) {
  for (const auto& [key, value] : reader.object()) {
    if (std::find(std::begin(known_fields), std::end(known_fields), key) == std::end(known_fields))
      return make_error(error_kind::invalid_request,
                        reader.where() + " has an unknown field '" + std::string(key) + "'");
  }
  return {};
}

outcome<void> read_choices(const entry_reader& r, model_capabilities& c) {
  for (auto [field, slot] :
       {std::pair{"quality", &c.quality}, std::pair{"style", &c.style},
        std::pair{"background", &c.background}, std::pair{"outputFormat", &c.output_format},
        std::pair{"moderation", &c.moderation}, std::pair{"inputFidelity", &c.input_fidelity}}) {
    if (auto read = r.options(field, *slot); !read) return read;
  }
  return {};
}

outcome<void> read_sizes(const entry_reader& r, model_capabilities& c) {
  if (auto read = r.strings("sizes", c.size.values); !read) return read;
  if (auto read = r.text("defaultSize", c.size.default_value); !read) return read;
  if (c.size.default_value.empty() && !c.size.values.empty())
    c.size.default_value = c.size.values.front();
  for (const auto& size : c.size.values) {
    if (size != "auto" && !parse_size(size))
      return r.fail("sizes", "a list of \"WxH\" or \"auto\"");
  }
  if (!c.size.values.empty() && !c.size.allows(c.size.default_value))
    return r.fail("defaultSize", "one of the sizes");
  return r.custom_size(c.custom_size);
}

outcome<void> read_limits(const entry_reader& r, model_capabilities& c) {
  double max_n = c.max_n, prompt = double(c.max_prompt_chars), edit_images = c.max_edit_images;
  if (auto read = r.number("maxN", 1, max_catalog_n, max_n); !read) return read;
  if (auto read = r.number("maxEditImages", 1, max_catalog_edit_images, edit_images); !read)
    return read;
  if (edit_images != std::floor(edit_images)) return r.fail("maxEditImages", "a whole number");
  c.max_edit_images = int(edit_images);
  if (auto read = r.number("maxPromptChars", 1, 32000, prompt); !read) return read;
  if (max_n != std::floor(max_n)) return r.fail("maxN", "a whole number");
  c.max_n = int(max_n);
  c.max_prompt_chars = std::size_t(prompt);
  if (auto read = r.flag("outputCompression", c.output_compression); !read) return read;
  if (auto read = r.flag("partialImages", c.partial_images); !read) return read;
  return r.flag("canEdit", c.can_edit);
}

outcome<void> read_controls(const entry_reader& r, engine_controls& e) {
  if (auto read = r.flag("negativePrompt", e.negative_prompt); !read) return read;
  if (auto read = r.flag("seed", e.seed); !read) return read;
  if (auto read = r.range("steps", e.steps); !read) return read;
  if (auto read = r.range("cfgScale", e.cfg_scale); !read) return read;
  if (auto read = r.range("denoisingStrength", e.denoising_strength); !read) return read;
  if (auto read = r.flag("sampler", e.sampler); !read) return read;
  return r.flag("checkpoint", e.checkpoint);
}

// Applies one entry's fields over `entry` (a copy of the existing one, or a blank).
outcome<void> read_entry(const entry_reader& r, catalog_entry& entry) {
  if (auto known = check_known_fields(r); !known) return known;
  auto& c = entry.capabilities;
  if (auto read = r.text("label", c.label); !read) return read;
  if (auto read = r.providers(entry.providers); !read) return read;
  if (auto read = r.flag("default", entry.default_for_provider); !read) return read;
  if (auto read = r.flag("offered", entry.offered); !read) return read;
  if (auto read = read_sizes(r, c); !read) return read;
  if (auto read = read_choices(r, c); !read) return read;
  if (auto read = read_limits(r, c); !read) return read;
  if (auto read = read_controls(r, c.controls); !read) return read;
  if (entry.providers.empty()) return r.fail("providers", "given for a new model");
  if (c.size.values.empty()) return r.fail("sizes", "given for a new model");
  if (c.label.empty()) c.label = c.id;
  return {};
}

}  // namespace

outcome<model_catalog> parse_catalog(std::string_view text, const model_catalog* base) {
  boost::system::error_code ec;
  const json::value doc = json::parse(text, ec);
  const auto* models = doc.is_object() ? doc.as_object().if_contains("models") : nullptr;
  if (ec || models == nullptr || !models->is_array())
    return make_error(error_kind::invalid_request,
                      "the models file must be JSON of the form {\"models\": [...]}");
  model_catalog catalog;
  if (base != nullptr) catalog.entries_ = base->entries_;
  for (const auto& item : models->as_array()) {
    const auto* id = item.is_object() ? item.as_object().if_contains("id") : nullptr;
    if (id == nullptr || !id->is_string() || id->as_string().empty())
      return make_error(error_kind::invalid_request, "every model needs an \"id\" string");
    const std::string name(id->as_string());
    auto existing = std::find_if(catalog.entries_.begin(), catalog.entries_.end(),
                                 [&](const auto& e) { return e.capabilities.id == name; });
    const bool replaces = existing != catalog.entries_.end();
    catalog_entry entry = replaces ? *existing : catalog_entry{};
    entry.capabilities.id = name;
    if (auto read = read_entry(entry_reader(item.as_object(), "model " + name), entry); !read)
      return read.error();
    if (replaces) {
      *existing = std::move(entry);
    } else {
      catalog.entries_.push_back(std::move(entry));
    }
  }
  return catalog;
}

bool option_values::allows(std::string_view value) const {
  return std::find(values.begin(), values.end(), value) != values.end();
}

const model_catalog& model_catalog::built_in() {
  static const model_catalog catalog = [] {
    auto parsed = parse_catalog(built_in_catalog_json, nullptr);
    if (!parsed) throw std::logic_error("built-in model catalogue: " + parsed.error().message);
    return std::move(*parsed);
  }();
  return catalog;
}

outcome<model_catalog> model_catalog::with_file(const model_catalog& base, std::string_view json) {
  return parse_catalog(json, &base);
}

const catalog_entry* model_catalog::entry_by_id(std::string_view id) const {
  for (const auto& entry : entries_) {
    if (entry.capabilities.id == id) return &entry;
  }
  return nullptr;
}

namespace {

bool serves(const catalog_entry& entry, provider_kind provider) {
  return std::find(entry.providers.begin(), entry.providers.end(), provider) !=
         entry.providers.end();
}

// Azure OpenAI makes no WebP (its documentation lists PNG and JPEG).
model_capabilities for_provider(model_capabilities c, provider_kind provider) {
  if (provider == provider_kind::azure_openai && c.output_format) {
    std::erase(c.output_format->values, "webp");
    if (c.output_format->values.empty()) c.output_format.reset();
  }
  return c;
}

// "gpt-image-2-2026-04-21" is described by "gpt-image-2": the longest id followed by '-'.
const catalog_entry* longest_prefix(const std::vector<catalog_entry>& entries,
                                    provider_kind provider, std::string_view model) {
  const catalog_entry* best = nullptr;
  for (const auto& entry : entries) {
    const auto& id = entry.capabilities.id;
    if (!serves(entry, provider) || model.size() <= id.size() || !model.starts_with(id) ||
        model[id.size()] != '-')
      continue;
    if (best == nullptr || id.size() > best->capabilities.id.size()) best = &entry;
  }
  return best;
}

}  // namespace

outcome<model_capabilities> model_catalog::find(provider_kind provider, std::string_view model,
                                                std::optional<std::string_view> entry) const {
  const std::string provider_name(provider_kind_name(provider));
  if (entry) {
    const auto* named = entry_by_id(*entry);
    if (named == nullptr || !serves(*named, provider))
      return make_error(error_kind::not_found, "the model catalogue has no entry '" +
                                                   std::string(*entry) + "' for " + provider_name);
    return for_provider(named->capabilities, provider);
  }
  if (const auto* exact = entry_by_id(model); exact != nullptr && serves(*exact, provider))
    return for_provider(exact->capabilities, provider);
  if (const auto* family = longest_prefix(entries_, provider, model))
    return for_provider(family->capabilities, provider);
  for (const auto& candidate : entries_) {
    if (candidate.default_for_provider && serves(candidate, provider))
      return for_provider(candidate.capabilities, provider);
  }
  return make_error(error_kind::not_found,
                    "the model catalogue does not know '" + std::string(model) + "' for " +
                        provider_name +
                        "; name the entry that describes it with VISIONARY_CATALOG_MODEL "
                        "(e.g. gpt-image-2) or add it with VISIONARY_MODELS_FILE");
}

std::vector<const catalog_entry*> model_catalog::offered_for(provider_kind provider) const {
  std::vector<const catalog_entry*> offered;
  for (const auto& entry : entries_) {
    if (entry.offered && !entry.default_for_provider && serves(entry, provider))
      offered.push_back(&entry);
  }
  return offered;
}

model_capabilities capabilities_for(provider_kind provider, std::string_view model) {
  const auto& catalog = model_catalog::built_in();
  if (auto found = catalog.find(provider, model)) return *found;
  return *catalog.find(provider_kind::openai_compatible, model);
}

std::optional<image_size> parse_size(std::string_view text) {
  const auto x = text.find('x');
  if (x == std::string_view::npos || x == 0 || x + 1 == text.size() || x > 5 ||
      text.size() - x - 1 > 5)
    return std::nullopt;
  const auto width = util::parse_number<int>(text.substr(0, x));
  const auto height = util::parse_number<int>(text.substr(x + 1));
  if (!width || !height || *width < 1 || *height < 1) return std::nullopt;
  return image_size{*width, *height};
}

}  // namespace visionary::core
