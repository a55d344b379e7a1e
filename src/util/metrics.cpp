#include "util/metrics.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <type_traits>

namespace visionary::util {
namespace {

using detail::metric_type;

bool is_name_char(char c, bool first, bool colon_allowed) {
  const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  return letter || (colon_allowed && c == ':') || (!first && c >= '0' && c <= '9');
}

bool is_valid_name(std::string_view name, bool colon_allowed) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!is_name_char(name[i], i == 0, colon_allowed)) return false;
  }
  return !name.empty();
}

// Prometheus reserves label names starting with "__" for its own use.
bool is_valid_label_name(std::string_view name) {
  return is_valid_name(name, false) && !name.starts_with("__");
}

void validate_names(metric_type type, const std::string& name,
                    const std::vector<std::string>& label_names) {
  if (!is_valid_name(name, true)) throw std::logic_error("invalid metric name '" + name + "'");
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!is_valid_label_name(label)) {
      throw std::logic_error("metric '" + name + "': invalid label name '" + label + "'");
    }
    if (std::find(label_names.begin(), label_names.begin() + i, label) != label_names.begin() + i) {
      throw std::logic_error("metric '" + name + "': duplicate label name '" + label + "'");
    }
    // Prometheus itself writes "le" on every histogram bucket.
    if (type == metric_type::histogram && label == "le") {
      throw std::logic_error("histogram '" + name + "' may not have a label named 'le'");
    }
  }
}

// The bounds as stored: strictly increasing and finite at the top (+Inf is always implied).
std::vector<double> normalized_bounds(const std::string& name, std::vector<double> bounds) {
  if (!bounds.empty() && bounds.back() == std::numeric_limits<double>::infinity()) {
    bounds.pop_back();
  }
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    // !(a < b) also catches NaN, which compares false with everything.
    if (std::isnan(bounds[i]) || (i > 0 && !(bounds[i - 1] < bounds[i]))) {
      throw std::logic_error("histogram '" + name + "': bucket bounds must increase strictly");
    }
  }
  return bounds;
}

// Every sample name a family writes, so that two families cannot write the same series.
std::vector<std::string> sample_names(metric_type type, const std::string& name) {
  if (type != metric_type::histogram) return {name};
  return {name, name + "_bucket", name + "_sum", name + "_count"};
}

std::string_view type_name(metric_type type) {
  switch (type) {
    case metric_type::counter:
      return "counter";
    case metric_type::gauge:
      return "gauge";
    case metric_type::histogram:
      return "histogram";
  }
  return "untyped";
}

// Length of the well-formed UTF-8 sequence that starts text, or 0 when none does.
std::size_t utf8_sequence_length(std::string_view text) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(0);
  if (lead < 0x80) return 1;
  const std::size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (length == 0 || lead > 0xF4 || text.size() < length) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
  }
  // The second byte's range rules out overlong forms, surrogates and code points past U+10FFFF.
  const unsigned char second = byte(1);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F)) return 0;
  if ((lead == 0xF0 && second < 0x90) || (lead == 0xF4 && second > 0x8F)) return 0;
  return length;
}

// Prometheus rejects a whole scrape over one label value that is not UTF-8: repair it instead.
std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const std::size_t length = utf8_sequence_length(text);
    out += length == 0 ? std::string_view("\xEF\xBF\xBD") : text.substr(0, length);
    text.remove_prefix(std::max<std::size_t>(length, 1));
  }
  return out;
}

void append_escaped(std::string& out, std::string_view text, bool escape_quote) {
  for (const char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quote) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// Whole numbers without a decimal point or exponent, others as the shortest text that round-trips.
void append_number(std::string& out, double value) {
  if (std::isnan(value)) {
    out += "NaN";
  } else if (std::isinf(value)) {
    out += value > 0 ? "+Inf" : "-Inf";
  } else if (value == 0) {
    out += '0';  // also for -0
  } else {
    char buffer[64];
    const bool whole = std::trunc(value) == value && std::fabs(value) < 1e21;
    const auto result =
        whole ? std::to_chars(buffer, std::end(buffer), value, std::chars_format::fixed)
              : std::to_chars(buffer, std::end(buffer), value);
    out.append(buffer, result.ptr);
  }
}

std::string label_text(const std::vector<std::string>& names,
                       const std::vector<std::string>& values) {
  std::string text;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) text += ',';
    text += names[i];
    text += "=\"";
    append_escaped(text, values[i], true);
    text += '"';
  }
  return text;
}

// name{labels,le="bound"} value — braces only when there is a label.
void append_sample(std::string& out, std::string_view name, std::string_view labels,
                   std::string_view le, double value) {
  out += name;
  if (!labels.empty() || !le.empty()) {
    out += '{';
    out += labels;
    if (!le.empty()) {
      if (!labels.empty()) out += ',';
      out += "le=\"";
      out += le;
      out += '"';
    }
    out += '}';
  }
  out += ' ';
  append_number(out, value);
  out += '\n';
}

void append_child(std::string& out, const std::string& name, std::string_view labels,
                  const counter& child) {
  append_sample(out, name, labels, {}, child.value());
}

void append_child(std::string& out, const std::string& name, std::string_view labels,
                  const gauge& child) {
  append_sample(out, name, labels, {}, child.value());
}

void append_child(std::string& out, const std::string& name, std::string_view labels,
                  const histogram& child, const std::vector<double>& bounds) {
  const std::vector<std::uint64_t> counts = child.cumulative_counts();
  const std::string bucket_name = name + "_bucket";
  std::string le;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    le.clear();
    append_number(le, i < bounds.size() ? bounds[i] : std::numeric_limits<double>::infinity());
    append_sample(out, bucket_name, labels, le, static_cast<double>(counts[i]));
  }
  append_sample(out, name + "_sum", labels, {}, child.sum());
  append_sample(out, name + "_count", labels, {}, static_cast<double>(counts.back()));
}

}  // namespace

void counter::inc(double amount) {
  if (!(amount >= 0)) throw std::logic_error("a counter cannot go down (or by NaN)");
  value_.fetch_add(amount, std::memory_order_relaxed);
}

double counter::value() const {
  return value_.load(std::memory_order_relaxed);
}

void gauge::set(double value) {
  value_.store(value, std::memory_order_relaxed);
}

void gauge::add(double amount) {
  value_.fetch_add(amount, std::memory_order_relaxed);
}

double gauge::value() const {
  return value_.load(std::memory_order_relaxed);
}

histogram::histogram(std::span<const double> bounds)
    : bounds_(bounds), buckets_(bounds.size() + 1) {}

void histogram::observe(double value) {
  // The first bound >= value; NaN compares false with every bound, so it goes to +Inf only.
  const auto bucket =
      std::isnan(value) ? bounds_.end() : std::lower_bound(bounds_.begin(), bounds_.end(), value);
  buckets_[static_cast<std::size_t>(bucket - bounds_.begin())].fetch_add(1,
                                                                         std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
}

double histogram::sum() const {
  return sum_.load(std::memory_order_relaxed);
}

std::uint64_t histogram::count() const {
  return cumulative_counts().back();
}

std::vector<std::uint64_t> histogram::cumulative_counts() const {
  // Counted from the buckets themselves, so +Inf always equals the count rendered with it.
  std::vector<std::uint64_t> counts;
  counts.reserve(buckets_.size());
  std::uint64_t total = 0;
  for (const auto& bucket : buckets_) {
    total += bucket.load(std::memory_order_relaxed);
    counts.push_back(total);
  }
  return counts;
}

namespace detail {

family_base::family_base(metric_type type, std::string name, std::string help,
                         std::vector<std::string> label_names, std::vector<double> bucket_bounds)
    : type_(type),
      name_(std::move(name)),
      help_(std::move(help)),
      label_names_(std::move(label_names)),
      bucket_bounds_(std::move(bucket_bounds)) {}

void family_base::check_same(metric_type type, const std::string& help,
                             const std::vector<std::string>& label_names,
                             const std::vector<double>& bucket_bounds) const {
  if (type != type_ || help != help_ || label_names != label_names_ ||
      bucket_bounds != bucket_bounds_) {
    throw std::logic_error("metric '" + name_ +
                           "' is already registered with another type, help, labels or buckets");
  }
}

void family_base::render(std::string& out) const {
  const std::size_t start = out.size();
  out += "# HELP ";
  out += name_;
  out += ' ';
  append_escaped(out, help_, false);
  out += "\n# TYPE ";
  out += name_;
  out += ' ';
  out += type_name(type_);
  out += '\n';
  // A family with no child yet is left out rather than written as a bare header.
  if (!render_samples(out)) out.resize(start);
}

}  // namespace detail

template <class Child>
metric_family<Child>::metric_family(metric_type type, std::string name, std::string help,
                                    std::vector<std::string> label_names,
                                    std::vector<double> bucket_bounds)
    : family_base(type, std::move(name), std::move(help), std::move(label_names),
                  std::move(bucket_bounds)) {
  // Without labels there is one child: made now, it reads 0 before its first update.
  if (this->label_names().empty()) add({});
}

template <class Child>
Child& metric_family<Child>::with(std::initializer_list<std::string_view> label_values) {
  return find_or_add(label_values);
}

template <class Child>
Child& metric_family<Child>::with(std::span<const std::string_view> label_values) {
  return find_or_add(label_values);
}

template <class Child>
Child& metric_family<Child>::with(std::span<const std::string> label_values) {
  return find_or_add(label_values);
}

template <class Child>
template <class Values>
Child& metric_family<Child>::find_or_add(const Values& label_values) {
  if (label_values.size() != label_names().size()) {
    throw std::logic_error("metric '" + name() + "' takes " + std::to_string(label_names().size()) +
                           " label values, not " + std::to_string(label_values.size()));
  }
  std::lock_guard lock(mutex_);
  if (const auto found = children_.find(label_values); found != children_.end()) {
    return found->second.child;
  }
  return add(std::vector<std::string>(label_values.begin(), label_values.end()));
}

// Called with mutex_ held (or from the constructor) for a tuple not found as given.
template <class Child>
Child& metric_family<Child>::add(std::vector<std::string> label_values) {
  for (std::string& value : label_values) value = valid_utf8(value);
  auto found = children_.find(label_values);
  if (found == children_.end() && children_.size() >= max_children_per_family) {
    label_values.assign(label_values.size(), std::string(overflow_label_value));
    found = children_.find(label_values);
  }
  if (found != children_.end()) return found->second.child;
  std::string text = label_text(label_names(), label_values);
  if constexpr (std::is_same_v<Child, histogram>) {
    const std::span<const double> bounds(bucket_bounds());
    return children_.try_emplace(std::move(label_values), std::move(text), bounds)
        .first->second.child;
  } else {
    return children_.try_emplace(std::move(label_values), std::move(text)).first->second.child;
  }
}

template <class Child>
bool metric_family<Child>::render_samples(std::string& out) const {
  std::lock_guard lock(mutex_);
  for (const auto& [values, entry] : children_) {
    if constexpr (std::is_same_v<Child, histogram>) {
      append_child(out, name(), entry.label_text, entry.child, bucket_bounds());
    } else {
      append_child(out, name(), entry.label_text, entry.child);
    }
  }
  return !children_.empty();
}

template class metric_family<counter>;
template class metric_family<gauge>;
template class metric_family<histogram>;

counter_family& metrics_registry::counter(std::string name, std::string help,
                                          std::vector<std::string> label_names) {
  return add_family<counter_family>(metric_type::counter, std::move(name), std::move(help),
                                    std::move(label_names), {});
}

gauge_family& metrics_registry::gauge(std::string name, std::string help,
                                      std::vector<std::string> label_names) {
  return add_family<gauge_family>(metric_type::gauge, std::move(name), std::move(help),
                                  std::move(label_names), {});
}

histogram_family& metrics_registry::histogram(std::string name, std::string help,
                                              std::vector<std::string> label_names,
                                              std::vector<double> bucket_bounds) {
  bucket_bounds = normalized_bounds(name, std::move(bucket_bounds));
  return add_family<histogram_family>(metric_type::histogram, std::move(name), std::move(help),
                                      std::move(label_names), std::move(bucket_bounds));
}

template <class Family>
Family& metrics_registry::add_family(metric_type type, std::string name, std::string help,
                                     std::vector<std::string> label_names,
                                     std::vector<double> bucket_bounds) {
  validate_names(type, name, label_names);
  const std::vector<std::string> samples = sample_names(type, name);
  std::lock_guard lock(mutex_);
  if (const auto found = by_name_.find(name); found != by_name_.end()) {
    found->second->check_same(type, help, label_names, bucket_bounds);
    return static_cast<Family&>(*found->second);
  }
  for (const std::string& sample : samples) {
    if (const auto clash = sample_names_.find(sample); clash != sample_names_.end()) {
      throw std::logic_error("metric '" + name + "' would write '" + sample + "', which metric '" +
                             clash->second + "' writes");
    }
  }
  auto family = std::make_unique<Family>(type, std::move(name), std::move(help),
                                         std::move(label_names), std::move(bucket_bounds));
  Family& added = *family;
  families_.push_back(std::move(family));
  by_name_.emplace(added.name(), &added);
  for (const std::string& sample : samples) sample_names_.emplace(sample, added.name());
  return added;
}

std::string metrics_registry::render() const {
  // Families are never removed, so the pointers stay good once the lock is released.
  std::vector<const detail::family_base*> families;
  {
    std::lock_guard lock(mutex_);
    families.reserve(families_.size());
    for (const auto& family : families_) families.push_back(family.get());
  }
  std::string out;
  for (const detail::family_base* family : families) family->render(out);
  return out;
}

}  // namespace visionary::util
