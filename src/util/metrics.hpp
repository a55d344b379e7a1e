// Prometheus metrics registry: counters, gauges and histograms with labels, rendered in the text
// exposition format 0.0.4. Thread-safe: children update lock-free; lookups hold a mutex briefly.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace visionary::util {

// Distinct label-value tuples one family keeps. Label values often come from requests (paths,
// methods), so past this bound every new tuple shares one overflow child whose label values are
// all "other": hostile input cannot grow memory without bound. Tuples seen before keep their own.
inline constexpr std::size_t max_children_per_family = 1000;
inline constexpr std::string_view overflow_label_value = "other";

// Only goes up. inc() with a negative or NaN amount is a programming error (std::logic_error).
class counter {
 public:
  void inc(double amount = 1);
  [[nodiscard]] double value() const;

 private:
  std::atomic<double> value_{0};
};

class gauge {
 public:
  void set(double value);
  void add(double amount);
  [[nodiscard]] double value() const;

 private:
  std::atomic<double> value_{0};
};

// Counts observations per bucket (an observation lands in the first bucket whose bound is >= it;
// NaN only in +Inf). Readers may see a sum slightly behind the counts while observe() runs.
class histogram {
 public:
  // bounds: strictly increasing, without +Inf; must outlive the histogram (the family owns them).
  explicit histogram(std::span<const double> bounds);
  void observe(double value);
  [[nodiscard]] double sum() const;
  [[nodiscard]] std::uint64_t count() const;
  // One cumulative count per bound, then the +Inf bucket (== count()).
  [[nodiscard]] std::vector<std::uint64_t> cumulative_counts() const;

 private:
  std::span<const double> bounds_;
  std::vector<std::atomic<std::uint64_t>> buckets_;  // not cumulative; the last one is +Inf
  std::atomic<double> sum_{0};
};

namespace detail {

enum class metric_type { counter, gauge, histogram };

// Orders label-value tuples of any string-like element type, so lookups need not build a key.
struct label_values_less {
  using is_transparent = void;
  template <class Left, class Right>
  bool operator()(const Left& left, const Right& right) const {
    auto l = left.begin();
    auto r = right.begin();
    for (; l != left.end() && r != right.end(); ++l, ++r) {
      if (const int c = std::string_view(*l).compare(std::string_view(*r)); c != 0) return c < 0;
    }
    return l == left.end() && r != right.end();
  }
};

// What every family shares: its identity, the checks on re-registration, and HELP/TYPE output.
class family_base {
 public:
  family_base(metric_type type, std::string name, std::string help,
              std::vector<std::string> label_names, std::vector<double> bucket_bounds);
  family_base(const family_base&) = delete;
  family_base& operator=(const family_base&) = delete;
  virtual ~family_base() = default;

  [[nodiscard]] metric_type type() const { return type_; }
  [[nodiscard]] const std::string& name() const { return name_; }
  [[nodiscard]] const std::vector<std::string>& label_names() const { return label_names_; }
  [[nodiscard]] const std::vector<double>& bucket_bounds() const { return bucket_bounds_; }
  // Throws std::logic_error unless a registration with these arguments describes this family.
  void check_same(metric_type type, const std::string& help,
                  const std::vector<std::string>& label_names,
                  const std::vector<double>& bucket_bounds) const;
  // Appends HELP, TYPE and the samples; nothing while the family has no child.
  void render(std::string& out) const;

 protected:
  // Appends the samples; returns false when there are none.
  virtual bool render_samples(std::string& out) const = 0;

 private:
  metric_type type_;
  std::string name_;
  std::string help_;
  std::vector<std::string> label_names_;
  std::vector<double> bucket_bounds_;
};

template <class Child>
struct family_entry {
  template <class... Args>
  explicit family_entry(std::string text, Args&&... args)
      : label_text(std::move(text)), child(std::forward<Args>(args)...) {}
  std::string label_text;  // a="x",b="y", escaped once when the child is made
  Child child;
};

}  // namespace detail

// The children of one metric, one per label-value tuple. with() takes exactly one value per label
// name (else std::logic_error) and returns a reference that stays valid for the family's lifetime.
// Label values that are not valid UTF-8 are stored with U+FFFD in place of the bad bytes.
// A family without labels has its one child, with({}), from registration on, so it reads 0 early.
template <class Child>
class metric_family final : public detail::family_base {
 public:
  metric_family(detail::metric_type type, std::string name, std::string help,
                std::vector<std::string> label_names, std::vector<double> bucket_bounds);

  Child& with(std::initializer_list<std::string_view> label_values);
  Child& with(std::span<const std::string_view> label_values);
  Child& with(std::span<const std::string> label_values);

 private:
  template <class Values>
  Child& find_or_add(const Values& label_values);
  Child& add(std::vector<std::string> label_values);
  bool render_samples(std::string& out) const override;

  mutable std::mutex mutex_;
  std::map<std::vector<std::string>, detail::family_entry<Child>, detail::label_values_less>
      children_;
};

using counter_family = metric_family<counter>;
using gauge_family = metric_family<gauge>;
using histogram_family = metric_family<histogram>;

// Owns the families; registering a name again with the same type, help, labels (and buckets)
// returns the family already there. Invalid metric or label names ([a-zA-Z_:][a-zA-Z0-9_:]* and
// [a-zA-Z_][a-zA-Z0-9_]* not starting with "__"), duplicate label names, a histogram label "le",
// bucket bounds not strictly increasing, a clash of sample names (a histogram "x" owns x_bucket,
// x_sum and x_count), or a re-registration that differs are programming errors: std::logic_error.
class metrics_registry {
 public:
  counter_family& counter(std::string name, std::string help, std::vector<std::string> label_names);
  gauge_family& gauge(std::string name, std::string help, std::vector<std::string> label_names);
  // bucket_bounds: strictly increasing; a trailing +Inf may be given and is implied otherwise.
  histogram_family& histogram(std::string name, std::string help,
                              std::vector<std::string> label_names,
                              std::vector<double> bucket_bounds);

  // Families in registration order, children sorted by label values.
  [[nodiscard]] std::string render() const;

 private:
  template <class Family>
  Family& add_family(detail::metric_type type, std::string name, std::string help,
                     std::vector<std::string> label_names, std::vector<double> bucket_bounds);

  mutable std::mutex mutex_;
  std::vector<std::unique_ptr<detail::family_base>> families_;  // in registration order
  std::map<std::string, detail::family_base*, std::less<>> by_name_;
  std::map<std::string, std::string, std::less<>> sample_names_;  // sample name -> family name
};

}  // namespace visionary::util
