#include "storage/fs_blob_store.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/blocking.hpp"
#include "util/crypto.hpp"
#include "util/text.hpp"

namespace visionary::storage {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view temp_prefix = ".tmp-";
constexpr std::string_view blob_suffix = ".blob";

app_error io_error(std::string_view what, const fs::path& path, int error_number) {
  return make_error(error_kind::storage_error,
                    std::string(what) + " " + path.string() + ": " + std::strerror(error_number));
}

// Writes bytes to a temp file beside target and fsyncs it; returns the temp file's path.
outcome<fs::path> write_temp(const fs::path& target, std::string_view bytes) {
  std::error_code ec;
  fs::create_directories(target.parent_path(), ec);
  if (ec) return io_error("cannot create folder for", target, ec.value());
  const fs::path temp = target.parent_path() / (std::string(temp_prefix) + util::random_token(12));
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return io_error("cannot create", temp, errno);
  std::size_t written = 0;
  while (written < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      return io_error("cannot write", temp, saved);
    }
    written += std::size_t(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    return io_error("cannot flush", temp, saved);
  }
  return temp;
}

// Renames a flushed temp file over target (atomic: readers see the old file or the new one).
outcome<void> replace_with(const fs::path& temp, const fs::path& target) {
  if (::rename(temp.c_str(), target.c_str()) != 0) {
    const int saved = errno;
    ::unlink(temp.c_str());
    return io_error("cannot rename into", target, saved);
  }
  return {};
}

// Makes the renames in a folder durable.
void sync_folder(const fs::path& folder) {
  const int dir_fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0) {
    ::fsync(dir_fd);
    ::close(dir_fd);
  }
}

std::optional<std::string> read_whole_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return std::move(buffer).str();
}

std::string guess_content_type(std::string_view name) {
  return std::string(util::content_type_for_name(name));
}

std::string sidecar_json(const core::blob_properties& p) {
  boost::json::object metadata;
  for (const auto& [k, v] : p.metadata) metadata[k] = v;
  return boost::json::serialize(boost::json::object{
      {"contentType", p.content_type}, {"etag", p.etag}, {"metadata", std::move(metadata)}});
}

void apply_sidecar(core::blob_properties& p, std::string_view json_text) {
  boost::system::error_code ec;
  const auto value = boost::json::parse(json_text, ec);
  if (ec || !value.is_object()) return;
  const auto& o = value.as_object();
  if (auto* ct = o.if_contains("contentType"); ct && ct->is_string()) {
    p.content_type = std::string(ct->as_string());
  }
  if (auto* et = o.if_contains("etag"); et && et->is_string())
    p.etag = std::string(et->as_string());
  if (auto* md = o.if_contains("metadata"); md && md->is_object()) {
    for (const auto& [k, v] : md->as_object()) {
      if (v.is_string()) p.metadata[std::string(k)] = std::string(v.as_string());
    }
  }
}

bool is_temp_name(std::string_view name) {
  const auto slash = name.rfind('/');
  const auto base = slash == std::string_view::npos ? name : name.substr(slash + 1);
  return util::starts_with(base, temp_prefix);
}

}  // namespace

outcome<std::unique_ptr<fs_blob_store>> fs_blob_store::open(fs_blob_store_options options,
                                                            boost::asio::thread_pool& pool) {
  std::error_code ec;
  fs::create_directories(options.data_dir, ec);
  if (ec) return io_error("cannot create data directory", options.data_dir, ec.value());
  const fs::path lock_path = options.data_dir / ".lock";
  const int lock_fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) return io_error("cannot open", lock_path, errno);
  if (::flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd);
    return make_error(error_kind::storage_error,
                      "the data directory " + options.data_dir.string() +
                          " is in use by another visionary process; stop it or choose another "
                          "--data-dir (use Azure storage to run several replicas)");
  }
  std::unique_ptr<fs_blob_store> store(new fs_blob_store(std::move(options), pool, lock_fd));
  if (auto scanned = store->scan(); !scanned) return scanned.error();
  return store;
}

fs_blob_store::fs_blob_store(fs_blob_store_options options, boost::asio::thread_pool& pool,
                             int lock_fd)
    : options_(std::move(options)),
      pool_(pool),
      lock_fd_(lock_fd),
      blob_root_(options_.data_dir / "blobs" / options_.container),
      meta_root_(options_.data_dir / "meta" / options_.container) {}

fs_blob_store::~fs_blob_store() {
  ::close(lock_fd_);
}

// A suffix keeps "a/b" (a file) and "a/b/c" (under a folder "a/b") from colliding on disk.
fs::path fs_blob_store::blob_path(std::string_view name) const {
  return blob_root_ / (std::string(name) + std::string(blob_suffix));
}
fs::path fs_blob_store::meta_path(std::string_view name) const {
  return meta_root_ / (std::string(name) + ".json");
}

outcome<void> fs_blob_store::scan() {
  std::error_code ec;
  fs::create_directories(blob_root_, ec);
  if (ec) return io_error("cannot create", blob_root_, ec.value());
  fs::create_directories(meta_root_, ec);
  if (ec) return io_error("cannot create", meta_root_, ec.value());

  std::map<std::string, core::blob_properties, std::less<>> index;
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(blob_root_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string file = it->path().lexically_relative(blob_root_).generic_string();
    if (is_temp_name(file)) {
      stale.push_back(it->path());  // an interrupted write: never listed, safe to drop
      continue;
    }
    if (!file.ends_with(blob_suffix)) continue;
    const std::string name = file.substr(0, file.size() - blob_suffix.size());
    core::blob_properties p;
    p.name = name;
    p.size = it->file_size();
    p.last_modified = std::chrono::file_clock::to_sys(it->last_write_time());
    p.content_type = guess_content_type(name);
    p.etag = "\"" + std::to_string(p.size) + "-" +
             std::to_string(util::unix_millis(p.last_modified)) + "\"";
    if (auto sidecar = read_whole_file(meta_path(name))) apply_sidecar(p, *sidecar);
    index.emplace(name, std::move(p));
  }
  if (ec) return io_error("cannot scan", blob_root_, ec.value());
  for (auto it = fs::recursive_directory_iterator(meta_root_, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string meta_name = it->path().lexically_relative(meta_root_).generic_string();
    if (is_temp_name(meta_name)) {
      stale.push_back(it->path());
      continue;
    }
    // A sidecar whose blob never landed (interrupted put) or was removed.
    const std::string name = meta_name.substr(0, meta_name.size() - 5);
    if (!index.contains(name)) stale.push_back(it->path());
  }
  for (const auto& path : stale) fs::remove(path, ec);

  std::lock_guard lock(mutex_);
  index_ = std::move(index);
  return {};
}

outcome<void> fs_blob_store::put_blocking(const std::string& name, const std::string& bytes,
                                          const std::string& content_type,
                                          const core::blob_metadata& metadata) {
  core::blob_properties p;
  p.name = name;
  p.size = bytes.size();
  p.content_type = content_type;
  p.metadata = metadata;
  p.etag = "\"" + util::hex_encode(util::sha256(bytes)).substr(0, 32) + "\"";
  p.last_modified = std::chrono::system_clock::now();
  // The slow part (writing and flushing both files) happens outside the lock.
  auto sidecar = write_temp(meta_path(name), sidecar_json(p));
  if (!sidecar) return sidecar.error();
  auto blob = write_temp(blob_path(name), bytes);
  if (!blob) {
    ::unlink(sidecar->c_str());
    return blob.error();
  }
  {
    // Renames and the index change together, so a reader that looks up and opens under the
    // lock always gets a file that matches the size and ETag it was told. Sidecar first: the
    // blob file is what makes the entry exist, so it lands last.
    std::lock_guard lock(mutex_);
    if (auto r = replace_with(*sidecar, meta_path(name)); !r) {
      ::unlink(blob->c_str());
      return r;
    }
    if (auto r = replace_with(*blob, blob_path(name)); !r) return r;
    index_.insert_or_assign(name, std::move(p));
  }
  sync_folder(meta_path(name).parent_path());
  sync_folder(blob_path(name).parent_path());
  return {};
}

namespace {

// What every write checks first: a valid name that is not one of the store's own temp files.
outcome<void> check_writable(const std::string& name, const core::blob_metadata& metadata) {
  if (auto valid = core::validate_blob_name(name); !valid) return valid;
  if (is_temp_name(name)) {
    return make_error(error_kind::invalid_request, "Blob names must not start with .tmp-");
  }
  return core::validate_metadata(metadata);
}

}  // namespace

boost::asio::awaitable<outcome<void>> fs_blob_store::put(std::string name, std::string bytes,
                                                         std::string content_type,
                                                         core::blob_metadata metadata) {
  if (auto writable = check_writable(name, metadata); !writable) co_return writable;
  co_return co_await util::run_blocking(
      pool_, [&]() { return put_blocking(name, bytes, content_type, metadata); });
}

boost::asio::awaitable<outcome<void>> fs_blob_store::put_if(std::string name, std::string bytes,
                                                            std::string content_type,
                                                            core::blob_metadata metadata,
                                                            core::write_condition condition) {
  if (auto writable = check_writable(name, metadata); !writable) co_return writable;
  // The data dir is locked to this process, so serialising conditional writes here makes the
  // check and the write one step, like If-Match on a shared store.
  co_return co_await util::run_blocking(pool_, [&]() -> outcome<void> {
    std::lock_guard serial(conditional_writes_);
    const auto current = find(name);
    const bool holds = condition.if_absent  ? !current
                       : condition.if_match ? current && current->etag == *condition.if_match
                                            : true;
    if (!holds) {
      return make_error(error_kind::precondition_failed,
                        "The blob changed since it was read; read it again.");
    }
    return put_blocking(name, bytes, content_type, metadata);
  });
}

// An open blob file: closed when the last owner lets go.
struct fs_blob_store::opened_blob {
  opened_blob() = default;  // co_spawn's results must be default-constructible
  opened_blob(int descriptor, core::blob_properties props) : fd(descriptor), properties(props) {}
  opened_blob(opened_blob&& other) noexcept
      : fd(std::exchange(other.fd, -1)),
        properties(std::move(other.properties)),
        served_range(other.served_range),
        offset(other.offset),
        length(other.length) {}
  opened_blob& operator=(opened_blob&&) = delete;
  ~opened_blob() {
    if (fd >= 0) ::close(fd);
  }

  // Reads exactly `count` bytes at the current offset and moves past them.
  outcome<std::string> read(std::size_t count, const fs::path& path) {
    std::string bytes(count, '\0');
    std::size_t done = 0;
    while (done < count) {
      const ssize_t n = ::pread(fd, bytes.data() + done, count - done, off_t(offset + done));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) return io_error("cannot read", path, n < 0 ? errno : EIO);
      done += std::size_t(n);
    }
    offset += count;
    length -= count;
    return bytes;
  }

  int fd = -1;
  core::blob_properties properties;
  std::optional<std::pair<std::uint64_t, std::uint64_t>> served_range;
  std::uint64_t offset = 0;
  std::uint64_t length = 0;  // bytes left to read
};

outcome<fs_blob_store::opened_blob> fs_blob_store::open_blocking(
    const std::string& name, const std::optional<core::byte_range>& range) {
  int fd = -1, open_error = 0;
  core::blob_properties properties;
  {
    // Looked up and opened in one step (see put_blocking): the open file is the version the
    // properties describe, whatever is written after.
    std::lock_guard lock(mutex_);
    const auto it = index_.find(name);
    if (it == index_.end()) return make_error(error_kind::not_found, "No such file.");
    properties = it->second;
    fd = ::open(blob_path(name).c_str(), O_RDONLY | O_CLOEXEC);
    open_error = errno;
  }
  if (fd < 0) {
    if (open_error == ENOENT) return make_error(error_kind::not_found, "No such file.");
    return io_error("cannot open", blob_path(name), open_error);
  }
  opened_blob file(fd, std::move(properties));
  const std::uint64_t size = file.properties.size;
  file.length = size;
  if (range) {
    if (range->first >= size || (range->last && *range->last < range->first)) {
      return make_error(error_kind::range_not_satisfiable,
                        "The requested range is not satisfiable.");
    }
    const std::uint64_t last = std::min(range->last.value_or(size - 1), size - 1);
    file.served_range = std::make_pair(range->first, last);
    file.offset = range->first;
    file.length = last - range->first + 1;
  }
  return file;
}

outcome<core::blob_content> fs_blob_store::get_blocking(
    const std::string& name, const std::optional<core::byte_range>& range) {
  auto file = open_blocking(name, range);
  if (!file) return file.error();
  auto bytes = file->read(std::size_t(file->length), blob_path(name));
  if (!bytes) return bytes.error();
  return core::blob_content{std::move(file->properties), std::move(*bytes), file->served_range};
}

// Streams an opened blob: each piece is read on the blocking pool.
class fs_blob_store::reader final : public core::blob_reader {
 public:
  reader(opened_blob file, fs::path path, boost::asio::thread_pool& pool)
      : file_(std::move(file)), path_(std::move(path)), pool_(pool) {}

  const core::blob_properties& properties() const override { return file_.properties; }
  std::optional<std::pair<std::uint64_t, std::uint64_t>> served_range() const override {
    return file_.served_range;
  }
  boost::asio::awaitable<outcome<std::string>> read(std::size_t max_bytes) override {
    const auto count = std::size_t(std::min<std::uint64_t>(max_bytes, file_.length));
    if (count == 0) co_return std::string();
    co_return co_await util::run_blocking(pool_,
                                          [this, count] { return file_.read(count, path_); });
  }

 private:
  opened_blob file_;
  fs::path path_;
  boost::asio::thread_pool& pool_;
};

boost::asio::awaitable<outcome<std::unique_ptr<core::blob_reader>>> fs_blob_store::open_reader(
    std::string name, std::optional<core::byte_range> range) {
  if (auto valid = core::validate_blob_name(name); !valid) {
    co_return make_error(error_kind::not_found, "No such file.");
  }
  auto opened = co_await util::run_blocking(pool_, [&]() { return open_blocking(name, range); });
  if (!opened) co_return opened.error();
  std::unique_ptr<core::blob_reader> streamed =
      std::make_unique<reader>(std::move(*opened), blob_path(name), pool_);
  co_return streamed;
}

boost::asio::awaitable<outcome<core::blob_content>> fs_blob_store::get(
    std::string name, std::optional<core::byte_range> range) {
  if (auto valid = core::validate_blob_name(name); !valid) {
    co_return make_error(error_kind::not_found, "No such file.");
  }
  co_return co_await util::run_blocking(pool_, [&]() { return get_blocking(name, range); });
}

outcome<void> fs_blob_store::remove_blocking(const std::string& name) {
  std::error_code ec;
  {
    // Index and file go together, so a put that follows cannot lose its new file to this unlink.
    std::lock_guard lock(mutex_);
    if (index_.erase(name) == 0) return make_error(error_kind::not_found, "No such file.");
    fs::remove(blob_path(name), ec);
    if (!ec) fs::remove(meta_path(name), ec);
  }
  if (ec) return io_error("cannot remove", blob_path(name), ec.value());
  return {};
}

boost::asio::awaitable<outcome<void>> fs_blob_store::remove(std::string name) {
  if (auto valid = core::validate_blob_name(name); !valid) {
    co_return make_error(error_kind::not_found, "No such file.");
  }
  co_return co_await util::run_blocking(pool_, [&]() { return remove_blocking(name); });
}

boost::asio::awaitable<outcome<core::blob_page>> fs_blob_store::list(
    std::string prefix, std::optional<std::string> marker, int max_results) {
  core::blob_page page;
  const std::size_t limit = std::size_t(std::clamp(max_results, 1, 5000));
  std::lock_guard lock(mutex_);
  auto it = marker && *marker >= prefix ? index_.upper_bound(*marker) : index_.lower_bound(prefix);
  for (; it != index_.end() && util::starts_with(it->first, prefix); ++it) {
    if (page.items.size() == limit) {
      page.next_marker = page.items.back().name;
      break;
    }
    page.items.push_back(it->second);
  }
  co_return page;
}

std::optional<core::blob_properties> fs_blob_store::find(std::string_view name) const {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(name);
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

core::signed_link fs_blob_store::read_link(std::string_view name, std::string_view content_type,
                                           util::sys_time expires_at) const {
  const site_link_signer signer{options_.signing_key, options_.account, options_.link_prefix,
                                options_.container};
  return core::signed_link{site_read_link(signer, name, content_type, expires_at), expires_at};
}

outcome<core::link_grant> fs_blob_store::verify_link(
    std::string_view container, std::string_view name,
    const std::vector<std::pair<std::string, std::string>>& query, util::sys_time now) const {
  return verify_read_link(options_.signing_key, options_.account, container, name, query, now);
}

}  // namespace visionary::storage
