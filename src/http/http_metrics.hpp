// http_metrics: the HTTP layer's Prometheus series (requests by route, method and status, their
// latency, open connections, connections shed at a cap). Thread-safe: updates go to lock-free
// registry children.
#pragma once

#include <string_view>

#include "util/metrics.hpp"

namespace visionary::http {

struct http_metrics {
  explicit http_metrics(util::metrics_registry& registry);

  // route: the route's pattern ("/api/images/{id}"), never the raw path, so the series stay few.
  void record_request(std::string_view route, std::string_view method, unsigned status,
                      double seconds);

  util::counter_family& requests;
  util::histogram_family& durations;
  util::gauge& open_connections;
  // Connections closed at a cap: reason "replaced" (a waiting one made room for a new one),
  // "buffered" (too many bytes held by slow senders) or "refused" (every place was working).
  util::counter_family& connections_shed;
};

}  // namespace visionary::http
