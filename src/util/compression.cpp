#include "util/compression.hpp"

#include <boost/beast/zlib/deflate_stream.hpp>
#include <boost/beast/zlib/inflate_stream.hpp>

namespace visionary::util {

namespace zlib = boost::beast::zlib;

namespace {

// One call over all of `in` into all of `out`.
zlib::z_params whole_buffers(std::string_view in, std::string& out) {
  zlib::z_params params;
  params.next_in = in.data();
  params.avail_in = in.size();
  params.next_out = out.data();
  params.avail_out = out.size();
  return params;
}

}  // namespace

std::string deflate_raw(std::string_view data) {
  zlib::deflate_stream stream;
  stream.reset(9, 15, 8, zlib::Strategy::normal);
  std::string out(stream.upper_bound(data.size()) + 16, '\0');
  auto params = whole_buffers(data, out);
  boost::system::error_code ec;
  stream.write(params, zlib::Flush::finish, ec);
  // upper_bound guarantees room for everything in one call, so finish always completes.
  out.resize(params.total_out);
  return out;
}

std::optional<std::string> inflate_raw(std::string_view data, std::size_t max_output) {
  zlib::inflate_stream stream;
  stream.reset(15);
  // Beast's inflater recognises the end of the final block only with input left after it: a few
  // zero bytes give it that, and the stream must still end within the real data.
  std::string input(data);
  input.append(8, '\0');
  std::string out(max_output + 1, '\0');  // one byte more shows that the limit was exceeded
  auto params = whole_buffers(input, out);
  boost::system::error_code ec;
  stream.write(params, zlib::Flush::finish, ec);
  const bool ended_in_data = ec == zlib::error::end_of_stream && params.total_in <= data.size();
  if (!ended_in_data || params.total_out > max_output) return std::nullopt;
  out.resize(params.total_out);
  return out;
}

}  // namespace visionary::util
