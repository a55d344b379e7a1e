// generation_metrics: the Prometheus series of generations and money (outcomes by provider and
// model, images, spend, the budget left, refusals by code, generations running), and of jobs and
// event streams (queued, running, subscribers, reads of the store's head). Thread-safe.
#pragma once

#include <string>

#include "util/metrics.hpp"

namespace visionary::core {

struct generation_metrics {
  explicit generation_metrics(util::metrics_registry& registry);

  util::counter_family& generations;  // provider, model, outcome (succeeded, failed, refused)
  util::counter_family& images;       // provider, model
  util::counter& spend_usd;
  util::gauge& budget_remaining_usd;
  util::counter_family& refusals;  // code
  util::gauge& in_flight;
  util::counter_family& storage_operations;  // operation, outcome ("ok" or the error code)
  util::gauge& jobs_queued;
  util::gauge& jobs_running;
  util::gauge_family& event_subscribers;  // stream ("job", "gallery")
  util::counter& store_head_reads;
};

}  // namespace visionary::core
