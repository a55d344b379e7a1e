#include "http/connection_table.hpp"

#include <utility>

namespace visionary::http {

connection_table::admission connection_table::admit(id connection, const std::string& client,
                                                    bool uncapped) {
  admission result;
  if (!uncapped && !make_room_for_client(client, result)) return result;
  if (!make_room_in_total(result)) return result;
  auto& e = entries_[connection];
  e.client = client;
  e.uncapped = uncapped;
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
  if (it != entries_.end() && it->second.working) mark_waiting(connection, it->second);
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

// At the client's cap: its own longest-waiting connection makes way, or the new one is refused.
bool connection_table::make_room_for_client(const std::string& client, admission& result) {
  if (caps_.max_per_client == 0) return true;
  const auto it = clients_.find(client);
  if (it == clients_.end() || it->second.open < caps_.max_per_client) return true;
  if (it->second.waiting.empty()) return false;
  evict(it->second.waiting.front(), result);
  return true;
}

bool connection_table::make_room_in_total(admission& result) {
  if (entries_.size() < caps_.max_total) return true;
  if (waiting_.empty()) return false;
  evict(waiting_.front(), result);
  return true;
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
