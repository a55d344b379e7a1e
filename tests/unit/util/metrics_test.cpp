#include "util/metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace {

using namespace visionary::util;

std::size_t count_lines(const std::string& text) {
  return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
}

TEST(MetricsRender, CounterWithLabelsSortedByLabelValues) {
  metrics_registry registry;
  auto& requests = registry.counter("http_requests_total", "HTTP requests served.",
                                    {"method", "path", "status"});
  requests.with({"POST", "/api/generate", "202"}).inc(0.5);
  requests.with({"GET", "/api/gallery", "200"}).inc();
  requests.with({"GET", "/api/config", "200"}).inc();
  requests.with({"GET", "/api/config", "200"}).inc(2);

  EXPECT_EQ(registry.render(),
            "# HELP http_requests_total HTTP requests served.\n"
            "# TYPE http_requests_total counter\n"
            R"(http_requests_total{method="GET",path="/api/config",status="200"} 3)"
            "\n"
            R"(http_requests_total{method="GET",path="/api/gallery",status="200"} 1)"
            "\n"
            R"(http_requests_total{method="POST",path="/api/generate",status="202"} 0.5)"
            "\n");
  EXPECT_EQ(requests.with({"GET", "/api/config", "200"}).value(), 3);
}

TEST(MetricsRender, GaugeWithoutLabelsReadsZeroBeforeFirstUse) {
  metrics_registry registry;
  auto& depth = registry.gauge("queue_depth", "Jobs waiting.", {});
  EXPECT_EQ(registry.render(),
            "# HELP queue_depth Jobs waiting.\n# TYPE queue_depth gauge\nqueue_depth 0\n");

  depth.with({}).set(5);
  depth.with({}).add(-2);
  depth.with({}).add(0.25);
  EXPECT_EQ(depth.with({}).value(), 3.25);
  EXPECT_EQ(registry.render(),
            "# HELP queue_depth Jobs waiting.\n# TYPE queue_depth gauge\nqueue_depth 3.25\n");
}

TEST(MetricsRender, HistogramHasCumulativeBucketsSumAndCount) {
  metrics_registry registry;
  auto& seconds = registry.histogram("image_generation_seconds", "Time to generate one image.",
                                     {"model"}, {0.25, 0.5, 1, 2.5});
  histogram& demo = seconds.with({"demo"});
  // Bounds are inclusive: 0.25 lands in le="0.25". Values are exact in binary, so is the sum.
  for (const double value : {0.125, 0.25, 0.75, 2.0, 7.0}) demo.observe(value);

  EXPECT_EQ(registry.render(),
            "# HELP image_generation_seconds Time to generate one image.\n"
            "# TYPE image_generation_seconds histogram\n"
            R"(image_generation_seconds_bucket{model="demo",le="0.25"} 2)"
            "\n"
            R"(image_generation_seconds_bucket{model="demo",le="0.5"} 2)"
            "\n"
            R"(image_generation_seconds_bucket{model="demo",le="1"} 3)"
            "\n"
            R"(image_generation_seconds_bucket{model="demo",le="2.5"} 4)"
            "\n"
            R"(image_generation_seconds_bucket{model="demo",le="+Inf"} 5)"
            "\n"
            R"(image_generation_seconds_sum{model="demo"} 10.125)"
            "\n"
            R"(image_generation_seconds_count{model="demo"} 5)"
            "\n");
  EXPECT_EQ(demo.count(), 5u);
  EXPECT_EQ(demo.cumulative_counts(), (std::vector<std::uint64_t>{2, 2, 3, 4, 5}));
}

TEST(MetricsRender, HistogramWithoutLabelsCountsNanOnlyInInf) {
  metrics_registry registry;
  auto& sizes = registry.histogram("upload_bytes", "Upload sizes.", {}, {1024});
  EXPECT_EQ(registry.render(),
            "# HELP upload_bytes Upload sizes.\n# TYPE upload_bytes histogram\n"
            "upload_bytes_bucket{le=\"1024\"} 0\nupload_bytes_bucket{le=\"+Inf\"} 0\n"
            "upload_bytes_sum 0\nupload_bytes_count 0\n");

  sizes.with({}).observe(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(sizes.with({}).cumulative_counts(), (std::vector<std::uint64_t>{0, 1}));
  EXPECT_NE(registry.render().find("upload_bytes_sum NaN\n"), std::string::npos);
}

TEST(MetricsRender, NumbersAsPrometheusSpellsThem) {
  metrics_registry registry;
  auto& values = registry.gauge("values", "Assorted values.", {"case"});
  values.with({"a_nan"}).set(std::numeric_limits<double>::quiet_NaN());
  values.with({"b_pos_inf"}).set(std::numeric_limits<double>::infinity());
  values.with({"c_neg_inf"}).set(-std::numeric_limits<double>::infinity());
  values.with({"d_whole"}).set(100000);  // not 1e+05
  values.with({"e_big_whole"}).set(123456789012345.0);
  values.with({"f_fraction"}).set(0.1);
  values.with({"g_tiny"}).set(1.5e-7);
  values.with({"h_negative_zero"}).set(-0.0);
  values.with({"i_negative"}).set(-3);
  values.with({"j_huge"}).set(1e300);

  EXPECT_EQ(registry.render(),
            "# HELP values Assorted values.\n# TYPE values gauge\n"
            "values{case=\"a_nan\"} NaN\n"
            "values{case=\"b_pos_inf\"} +Inf\n"
            "values{case=\"c_neg_inf\"} -Inf\n"
            "values{case=\"d_whole\"} 100000\n"
            "values{case=\"e_big_whole\"} 123456789012345\n"
            "values{case=\"f_fraction\"} 0.1\n"
            "values{case=\"g_tiny\"} 1.5e-07\n"
            "values{case=\"h_negative_zero\"} 0\n"
            "values{case=\"i_negative\"} -3\n"
            "values{case=\"j_huge\"} 1e+300\n");
}

TEST(MetricsRender, EscapesLabelValues) {
  metrics_registry registry;
  auto& files = registry.counter("files_total", "Files.", {"path"});
  files.with({"C:\\dir \"x\"\nnext"}).inc();
  EXPECT_EQ(registry.render(),
            "# HELP files_total Files.\n# TYPE files_total counter\n"
            R"(files_total{path="C:\\dir \"x\"\nnext"} 1)"
            "\n");
}

TEST(MetricsRender, EscapesHelpButNotItsQuotes) {
  metrics_registry registry;
  (void)registry.gauge("g", "Line one\nLine \"two\" has a \\ backslash", {});
  EXPECT_EQ(registry.render(),
            "# HELP g Line one\\nLine \"two\" has a \\\\ backslash\n# TYPE g gauge\ng 0\n");
}

TEST(MetricsRender, InvalidUtf8InLabelValuesIsRepaired) {
  metrics_registry registry;
  auto& paths = registry.counter("paths_total", "Paths.", {"path"});
  counter& raw =
      paths.with({"/a\xFF"
                  "b"});
  raw.inc();
  EXPECT_EQ(&paths.with({"/a\xFF"
                         "b"}),
            &raw);
  EXPECT_EQ(&paths.with({"/a\xEF\xBF\xBD"
                         "b"}),
            &raw);
  EXPECT_NE(registry.render().find("paths_total{path=\"/a\xEF\xBF\xBD"
                                   "b\"} 1\n"),
            std::string::npos);
}

TEST(MetricsRender, FamiliesInRegistrationOrderAndLabelledFamiliesWithoutChildrenOmitted) {
  metrics_registry registry;
  (void)registry.gauge("zeta", "Registered first.", {});
  (void)registry.counter("unused_total", "Never used.", {"kind"});
  (void)registry.counter("alpha_total", "Registered last.", {});
  EXPECT_EQ(registry.render(),
            "# HELP zeta Registered first.\n# TYPE zeta gauge\nzeta 0\n"
            "# HELP alpha_total Registered last.\n# TYPE alpha_total counter\nalpha_total 0\n");
}

TEST(MetricsFamily, RuntimeLabelValuesFindTheSameChild) {
  metrics_registry registry;
  auto& requests = registry.counter("requests_total", "Requests.", {"method", "path"});
  const std::vector<std::string> owned{"GET", "/"};
  const std::vector<std::string_view> views{"GET", "/"};
  EXPECT_EQ(&requests.with(owned), &requests.with({"GET", "/"}));
  EXPECT_EQ(&requests.with(views), &requests.with({"GET", "/"}));
}

TEST(MetricsFamily, WrongNumberOfLabelValuesThrows) {
  metrics_registry registry;
  auto& requests = registry.counter("requests_total", "Requests.", {"method", "path"});
  EXPECT_THROW((void)requests.with({"GET"}), std::logic_error);
  EXPECT_THROW((void)requests.with({}), std::logic_error);
  EXPECT_THROW((void)requests.with({"GET", "/", "200"}), std::logic_error);
}

TEST(MetricsFamily, CounterCannotGoDown) {
  metrics_registry registry;
  counter& c = registry.counter("c_total", "C.", {}).with({});
  EXPECT_THROW(c.inc(-1), std::logic_error);
  EXPECT_THROW(c.inc(std::numeric_limits<double>::quiet_NaN()), std::logic_error);
  c.inc(0);
  EXPECT_EQ(c.value(), 0);
}

TEST(MetricsFamily, ChildrenBeyondTheLimitShareTheOverflowChild) {
  metrics_registry registry;
  auto& hits = registry.counter("hits_total", "Hits.", {"method", "path"});
  for (std::size_t i = 0; i < max_children_per_family; ++i) {
    hits.with({"GET", "/p" + std::to_string(i)}).inc();
  }
  counter& first_extra = hits.with({"GET", "/new-1"});
  counter& second_extra = hits.with({"PUT", "/new-2"});
  EXPECT_EQ(&first_extra, &second_extra);
  EXPECT_EQ(&first_extra, &hits.with({"other", "other"}));
  first_extra.inc();
  second_extra.inc();
  // Tuples seen before the limit keep their own child.
  EXPECT_NE(&hits.with({"GET", "/p0"}), &first_extra);
  EXPECT_EQ(hits.with({"GET", "/p0"}).value(), 1);

  const std::string text = registry.render();
  EXPECT_NE(text.find("hits_total{method=\"other\",path=\"other\"} 2\n"), std::string::npos);
  EXPECT_EQ(text.find("/new-"), std::string::npos);
  EXPECT_EQ(count_lines(text), 2 + max_children_per_family + 1);
}

TEST(MetricsConcurrency, IncrementsFromManyThreadsSumExactly) {
  constexpr int threads = 8;
  constexpr int increments = 10'000;
  metrics_registry registry;
  auto& requests = registry.counter("requests_total", "Requests.", {"worker"});
  auto& latency = registry.histogram("latency_seconds", "Latency.", {}, {0.5, 1});
  auto& in_flight = registry.gauge("in_flight", "In flight.", {});
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      const std::string own = "w" + std::to_string(t);
      for (int i = 0; i < increments; ++i) {
        requests.with({"shared"}).inc();  // every lookup races with the others' inserts
        requests.with({own}).inc();
        latency.with({}).observe(1);
        in_flight.with({}).add(1);
        in_flight.with({}).add(-0.5);
      }
    });
  }
  for (std::thread& worker : workers) worker.join();

  EXPECT_EQ(requests.with({"shared"}).value(), threads * increments);
  for (int t = 0; t < threads; ++t) {
    EXPECT_EQ(requests.with({"w" + std::to_string(t)}).value(), increments);
  }
  EXPECT_EQ(latency.with({}).count(), static_cast<std::uint64_t>(threads * increments));
  EXPECT_EQ(latency.with({}).sum(), threads * increments);
  EXPECT_EQ(in_flight.with({}).value(), threads * increments * 0.5);
}

TEST(MetricsNames, InvalidMetricNamesThrow) {
  metrics_registry registry;
  for (const char* bad : {"", "1abc", "a-b", "a b", "caf\xC3\xA9", "a.b"}) {
    EXPECT_THROW((void)registry.counter(bad, "h", {}), std::logic_error) << bad;
  }
  EXPECT_NO_THROW((void)registry.counter("ns:sub_system:ok_total", "h", {}));
  EXPECT_NO_THROW((void)registry.gauge("_private9", "h", {}));
}

TEST(MetricsNames, InvalidLabelNamesThrow) {
  metrics_registry registry;
  for (const char* bad : {"", "__reserved", "a:b", "1a", "a-b"}) {
    EXPECT_THROW((void)registry.counter("c_total", "h", {bad}), std::logic_error) << bad;
  }
  EXPECT_THROW((void)registry.counter("c_total", "h", {"a", "a"}), std::logic_error);
  EXPECT_THROW((void)registry.histogram("h_seconds", "h", {"le"}, {1}), std::logic_error);
  EXPECT_NO_THROW((void)registry.counter("c_total", "h", {"_a", "b9"}));
}

TEST(MetricsNames, BucketBoundsMustIncreaseStrictly) {
  metrics_registry registry;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_THROW((void)registry.histogram("a", "h", {}, {1, 1}), std::logic_error);
  EXPECT_THROW((void)registry.histogram("b", "h", {}, {2, 1}), std::logic_error);
  EXPECT_THROW((void)registry.histogram("c", "h", {}, {nan}), std::logic_error);
  // A trailing +Inf is the implied one, so both spellings register the same family.
  auto& with_inf = registry.histogram("d", "h", {}, {1, inf});
  EXPECT_EQ(&registry.histogram("d", "h", {}, {1}), &with_inf);
  EXPECT_EQ(count_lines(registry.render()), 2u + 2 + 2);  // HELP, TYPE, 2 buckets, sum, count
}

TEST(MetricsRegistry, ReRegistrationReturnsTheSameFamily) {
  metrics_registry registry;
  auto& first = registry.counter("jobs_total", "Jobs.", {"kind"});
  first.with({"image"}).inc();
  auto& again = registry.counter("jobs_total", "Jobs.", {"kind"});
  EXPECT_EQ(&first, &again);
  EXPECT_EQ(again.with({"image"}).value(), 1);
  auto& seconds = registry.histogram("job_seconds", "Job time.", {}, {1, 2});
  EXPECT_EQ(&registry.histogram("job_seconds", "Job time.", {}, {1, 2}), &seconds);
}

TEST(MetricsRegistry, ReRegistrationThatDiffersThrows) {
  metrics_registry registry;
  (void)registry.counter("jobs_total", "Jobs.", {"kind"});
  EXPECT_THROW((void)registry.gauge("jobs_total", "Jobs.", {"kind"}), std::logic_error);
  EXPECT_THROW((void)registry.counter("jobs_total", "Jobs.", {"type"}), std::logic_error);
  EXPECT_THROW((void)registry.counter("jobs_total", "Jobs.", {}), std::logic_error);
  EXPECT_THROW((void)registry.counter("jobs_total", "Other help.", {"kind"}), std::logic_error);
  (void)registry.histogram("job_seconds", "Job time.", {}, {1, 2});
  EXPECT_THROW((void)registry.histogram("job_seconds", "Job time.", {}, {1, 3}), std::logic_error);
}

TEST(MetricsRegistry, SampleNamesOfDifferentFamiliesCannotClash) {
  metrics_registry registry;
  (void)registry.histogram("latency_seconds", "Latency.", {}, {1});
  EXPECT_THROW((void)registry.counter("latency_seconds_count", "h", {}), std::logic_error);
  EXPECT_THROW((void)registry.gauge("latency_seconds_bucket", "h", {}), std::logic_error);
  (void)registry.gauge("size_sum", "h", {});
  EXPECT_THROW((void)registry.histogram("size", "h", {}, {1}), std::logic_error);
}

}  // namespace
