#include "core/link_policy.hpp"

namespace visionary::core {

util::sys_time coarse_link_expiry(util::sys_time now) {
  using namespace std::chrono;
  const auto boundary = ceil<seconds>(now);
  const auto since_epoch = boundary.time_since_epoch();
  const auto remainder = since_epoch % link_expiry_grid;
  const auto next = remainder == seconds{0} ? boundary : boundary + (link_expiry_grid - remainder);
  return time_point_cast<util::sys_time::duration>(next + (max_link_lifetime - link_expiry_grid));
}

}  // namespace visionary::core
