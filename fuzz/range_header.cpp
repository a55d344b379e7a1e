// The Range header of GET /blobs: parse_range_header for a file size given by the first line of
// the input (decimal), the header being the rest. A range must describe bytes the answer can send.
#include <string>

#include "api/blob_path.hpp"
#include "fuzz_check.hpp"
#include "util/text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace visionary;
  using fuzz::require;
  std::string_view text = fuzz::as_text(data, size);
  const auto file_size = util::parse_number<std::uint64_t>(fuzz::take_line(text)).value_or(1000);
  const auto range = api::parse_range_header(text, file_size);
  if (!range) return 0;
  require(!range->last || *range->last >= range->first, "a range does not end before it starts");
  if (util::starts_with(util::trim(text), "bytes=-")) {
    require(range->first <= file_size && !range->last, "a suffix range lies within the file");
  }
  // What the /blobs route then serves (ranges starting at or past the end are refused with 416).
  if (range->first >= file_size) return 0;
  const std::uint64_t last = std::min(range->last.value_or(file_size - 1), file_size - 1);
  require(last >= range->first && last < file_size, "the served bytes lie within the file");
  require(last - range->first + 1 <= file_size, "a range is never longer than the file");
  return 0;
}
