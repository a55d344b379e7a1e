#include "http/http_metrics.hpp"

#include <string>

namespace visionary::http {

namespace {

// From a cached file to a slow generation: 5 ms to 5 minutes.
const std::vector<double> latency_buckets{0.005, 0.025, 0.1, 0.5, 2.5, 10, 30, 60, 120, 300};

}  // namespace

http_metrics::http_metrics(util::metrics_registry& registry)
    : requests(registry.counter("visionary_http_requests_total", "HTTP requests answered",
                                {"route", "method", "status"})),
      durations(registry.histogram("visionary_http_request_duration_seconds",
                                   "Time from a request's header to its answer", {"route"},
                                   latency_buckets)),
      open_connections(
          registry.gauge("visionary_http_connections_open", "Client connections open now", {})
              .with({})),
      connections_shed(registry.counter("visionary_http_connections_shed_total",
                                        "Client connections closed at a connection cap",
                                        {"reason"})) {}

void http_metrics::record_request(std::string_view route, std::string_view method, unsigned status,
                                  double seconds) {
  const std::string status_text = std::to_string(status);
  requests.with({route, method, status_text}).inc();
  durations.with({route}).observe(seconds);
}

}  // namespace visionary::http
