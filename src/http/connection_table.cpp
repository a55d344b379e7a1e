#include "http/connection_table.hpp"

#include <utility>

namespace visionary::http {

connection_table::admission connection_table::admit(id connection, const std::string& client,
                                                    bool uncapped,
                                                    const replaceable_fn& replaceable,
                                                    time_point now) {
  admission result;
  if (!uncapped && !make_room_for_client(client, replaceable, now, result)) {
    result.refused_by = refusal::client_cap;
    return result;
  }
  if (!make_room_in_total(replaceable, result)) {
    result.refused_by = refusal::total_cap;
    return result;
  }
  auto& e = entries_[connection];
  e.client = client;
  e.uncapped = uncapped;
  e.admitted_at = now;
  if (!uncapped) ++clients_[client].open;
  mark_waiting(connection, e);
  result.admitted = true;
  return result;
}

bool connection_table::start_work(id connection) {
  const auto it = entries_.find(connection);
  if (it == entries_.end()) return false;
  if (!it->second.working) unmark_waiting(it->second);
  buffered_ -= std::exchange(it->second.buffered, 0);  // the request is the handler's now
  return true;
}

std::vector<connection_table::id> connection_table::hold_buffered(id connection,
                                                                  std::size_t bytes) {
  std::vector<id> to_close;
  const auto it = entries_.find(connection);
  if (it == entries_.end()) return to_close;
  buffered_ = buffered_ - it->second.buffered + bytes;
  it->second.buffered = bytes;
  for (auto next = waiting_.begin();
       buffered_ > caps_.max_buffered_bytes && next != waiting_.end();) {
    const id candidate = *next++;
    if (entries_.at(candidate).buffered == 0) continue;
    remove(candidate);
    to_close.push_back(candidate);
  }
  return to_close;
}

void connection_table::finish_work(id connection) {
  const auto it = entries_.find(connection);
  if (it == entries_.end() || !it->second.working) return;
  it->second.answered_before = true;
  mark_waiting(connection, it->second);
}

void connection_table::remove(id connection) {
  const auto it = entries_.find(connection);
  if (it == entries_.end()) return;
  auto& e = it->second;
  if (!e.working) unmark_waiting(e);
  buffered_ -= e.buffered;
  if (!e.uncapped) {
    const auto client = clients_.find(e.client);
    if (--client->second.open == 0) clients_.erase(client);
  }
  entries_.erase(it);
}

// At the client's cap: its own longest-waiting replaceable connection makes way, or the new one
// is refused.
bool connection_table::make_room_for_client(const std::string& client,
                                            const replaceable_fn& replaceable, time_point now,
                                            admission& result) {
  if (caps_.max_per_client == 0) return true;
  const auto it = clients_.find(client);
  if (it == clients_.end() || it->second.open < caps_.max_per_client) return true;
  return evict_first_replaceable(it->second.waiting, replaceable, now - caps_.fresh_grace, result);
}

bool connection_table::make_room_in_total(const replaceable_fn& replaceable, admission& result) {
  if (entries_.size() < caps_.max_total) return true;
  return evict_first_replaceable(waiting_, replaceable, time_point::max(), result);
}

bool connection_table::evict_first_replaceable(const std::list<id>& oldest_first,
                                               const replaceable_fn& replaceable,
                                               time_point fresh_since, admission& result) {
  std::size_t examined = 0;
  for (const id candidate : oldest_first) {
    if (examined++ == max_replacement_candidates) break;
    const auto& e = entries_.at(candidate);
    // Kept: admitted after fresh_since and has neither sent anything nor been answered yet.
    const bool fresh = !e.answered_before && e.buffered == 0 && e.admitted_at > fresh_since;
    if (fresh) continue;
    if (!replaceable || replaceable(candidate)) {
      evict(candidate, result);  // invalidates the iteration, which ends here
      return true;
    }
  }
  return false;
}

void connection_table::mark_waiting(id connection, entry& e) {
  e.working = false;
  e.in_all = waiting_.insert(waiting_.end(), connection);
  if (!e.uncapped) {
    auto& list = clients_[e.client].waiting;
    e.in_client = list.insert(list.end(), connection);
  }
}

void connection_table::unmark_waiting(entry& e) {
  e.working = true;
  waiting_.erase(e.in_all);
  if (!e.uncapped) clients_[e.client].waiting.erase(e.in_client);
}

void connection_table::evict(id connection, admission& result) {
  remove(connection);
  result.evicted.push_back(connection);
}

}  // namespace visionary::http
