#include "core/generation_metrics.hpp"

namespace visionary::core {

generation_metrics::generation_metrics(util::metrics_registry& registry)
    : generations(registry.counter("visionary_generations_total",
                                   "Generations by provider, model and outcome",
                                   {"provider", "model", "outcome"})),
      images(registry.counter("visionary_images_generated_total", "Images stored",
                              {"provider", "model"})),
      spend_usd(
          registry.counter("visionary_spend_usd_total", "What providers billed, in US dollars", {})
              .with({})),
      budget_remaining_usd(registry
                               .gauge("visionary_budget_remaining_usd",
                                      "What today's budget has left after spending and "
                                      "reservations (absent without a budget)",
                                      {})
                               .with({})),
      refusals(registry.counter("visionary_refusals_total",
                                "Generations refused before any money was spent", {"code"})),
      in_flight(registry
                    .gauge("visionary_generations_in_flight",
                           "Generations admitted and not yet settled", {})
                    .with({})),
      storage_operations(registry.counter("visionary_storage_operations_total",
                                          "Blob store operations by outcome",
                                          {"operation", "outcome"})),
      jobs_queued(
          registry.gauge("visionary_jobs_queued", "Jobs waiting in this replica's queue", {})
              .with({})),
      jobs_running(
          registry.gauge("visionary_jobs_running", "Jobs running on this replica", {}).with({})),
      event_subscribers(registry.gauge("visionary_event_subscribers",
                                       "Open Server-Sent Event streams by stream", {"stream"})),
      store_head_reads(registry
                           .counter("visionary_store_head_reads_total",
                                    "Listings of the store's newest image (watching for images "
                                    "of other replicas)",
                                    {})
                           .with({})) {}

}  // namespace visionary::core
