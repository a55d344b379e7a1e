#include "azurite.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <regex>
#include <vector>

namespace visionary::test {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

constexpr auto start_deadline = 60s;  // Azurite needs ~0.5 s; generous for a loaded 2-core machine
constexpr auto stop_deadline = 15s;

const char* const setup_hint =
    "Azure Storage tests need node and the npm package azurite@3.35.0 in tests/node_modules: "
    "run scripts/setup.sh (it runs `npm ci` in tests/).";

std::string find_in_path(std::string_view program) {
  const char* path = std::getenv("PATH");
  std::string_view rest = path ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!rest.empty()) {
    const auto colon = rest.find(':');
    const std::string_view dir = rest.substr(0, colon);
    rest = colon == std::string_view::npos ? std::string_view{} : rest.substr(colon + 1);
    if (dir.empty()) continue;
    const std::string candidate = std::string(dir) + "/" + std::string(program);
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return {};
}

int millis_left(std::chrono::steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 60'000));
}

// Waits (bounded) for the child to exit; true when it was reaped.
bool wait_for_exit(pid_t pid, std::chrono::steady_clock::duration within) {
  const auto deadline = std::chrono::steady_clock::now() + within;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (pidfd >= 0) {
    for (;;) {
      pollfd p{pidfd, POLLIN, 0};
      const int ready = ::poll(&p, 1, millis_left(deadline));
      if (ready >= 0 || errno != EINTR) break;
    }
    ::close(pidfd);
    int status = 0;
    return ::waitpid(pid, &status, WNOHANG) == pid;
  }
  // No pidfd (old kernel): poll waitpid against the same deadline.
  for (;;) {
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    ::usleep(10'000);
  }
}

}  // namespace

fs::path repo_root() {
  return fs::weakly_canonical(fs::path(VISIONARY_TEST_DATA_DIR) / ".." / "..");
}

azurite_process::~azurite_process() {
  stop();
  if (owns_location_ && !location_.empty()) {
    std::error_code ec;
    fs::remove_all(location_, ec);
  }
}

std::string azurite_process::blob_endpoint() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/" + std::string(azurite_account);
}

std::string azurite_process::connection_string() const {
  return "DefaultEndpointsProtocol=http;AccountName=" + std::string(azurite_account) +
         ";AccountKey=" + std::string(azurite_key) + ";BlobEndpoint=" + blob_endpoint() + ";";
}

storage::azure_storage_account azurite_process::account() const {
  auto parsed = storage::parse_connection_string(connection_string());
  if (!parsed)
    throw std::runtime_error("the Azurite connection string does not parse: " +
                             parsed.error().message);
  return *parsed;
}

std::string azurite_process::output() const {
  std::lock_guard lock(output_mutex_);
  return output_;
}

std::string azurite_process::start(unsigned short port, fs::path location) {
  if (running()) return "Azurite is already running";
  const std::string node = find_in_path("node");
  if (node.empty()) return std::string("node is not on PATH. ") + setup_hint;
  const fs::path script = repo_root() / "tests" / "node_modules" / ".bin" / "azurite-blob";
  if (!fs::exists(script)) return script.string() + " is missing. " + setup_hint;

  std::error_code ec;
  if (location.empty()) {
    std::string pattern = (fs::temp_directory_path() / "visionary-azurite-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr)
      return "cannot create a temp folder: " + std::string(std::strerror(errno));
    location_ = pattern;
    owns_location_ = true;
  } else if (location != location_) {
    fs::create_directories(location, ec);
    if (ec) return "cannot create " + location.string() + ": " + ec.message();
    location_ = std::move(location);
  }
  {
    std::lock_guard lock(output_mutex_);
    output_.clear();
  }

  const std::vector<std::string> args{
      node,         script.string(),      "--blobHost", "127.0.0.1",
      "--blobPort", std::to_string(port), "--location", location_.string(),
      "--silent",   "--disableTelemetry"};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);

  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return "pipe failed: " + std::string(std::strerror(errno));
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return "fork failed: " + std::string(std::strerror(errno));
  }
  if (pid == 0) {
    // Child: async-signal-safe calls only until exec.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    ::sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    const int null_fd = ::open("/dev/null", O_RDONLY);
    if (null_fd >= 0) ::dup2(null_fd, 0);
    ::dup2(fds[1], 1);
    ::dup2(fds[1], 2);
    ::close_range(3, ~0U, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  pid_ = pid;
  out_fd_ = fds[0];

  // Read its output until the "listens" line, the end of its output, or the deadline.
  static const std::regex listening(R"(successfully listens on http://127\.0\.0\.1:(\d+))");
  const auto deadline = std::chrono::steady_clock::now() + start_deadline;
  std::string seen;
  std::string failure;
  for (;;) {
    std::smatch match;
    if (std::regex_search(seen, match, listening)) {
      port_ = static_cast<unsigned short>(std::stoi(match[1].str()));
      break;
    }
    pollfd p{out_fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, millis_left(deadline));
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      failure =
          "Azurite did not report its port within " + std::to_string(start_deadline.count()) + " s";
      break;
    }
    char buffer[4096];
    const ssize_t n = ::read(out_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      failure = "Azurite exited before listening";
      break;
    }
    seen.append(buffer, static_cast<std::size_t>(n));
  }
  {
    std::lock_guard lock(output_mutex_);
    output_ = seen;
  }
  if (!failure.empty()) {
    stop();
    return failure + " (" + node + " " + script.string() + " --blobPort " + std::to_string(port) +
           "); its output:\n" + seen + "\nIf the package is broken, " + setup_hint;
  }
  stop_draining_ = false;
  drainer_ = std::thread([this] { drain(); });
  return {};
}

void azurite_process::drain() {
  // Keeps reading so Azurite never blocks on a full pipe; ends at EOF or once stop() asks.
  for (;;) {
    pollfd p{out_fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, 100);
    if (ready == 0) {
      if (stop_draining_) return;
      continue;
    }
    if (ready < 0) {
      if (errno == EINTR) continue;
      return;
    }
    char buffer[4096];
    const ssize_t n = ::read(out_fd_, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    std::lock_guard lock(output_mutex_);
    output_.append(buffer, static_cast<std::size_t>(n));
  }
}

void azurite_process::stop() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    if (!wait_for_exit(pid_, stop_deadline)) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
  }
  stop_draining_ = true;
  if (drainer_.joinable()) drainer_.join();
  if (out_fd_ >= 0) {
    ::close(out_fd_);
    out_fd_ = -1;
  }
}

namespace {

struct shared_state {
  std::unique_ptr<azurite_process> process;
  bool tried = false;
  std::string failure;
};

shared_state& shared() {
  static shared_state state;
  return state;
}

// Stops the shared Azurite (if a test started it) once every test has run.
class azurite_environment final : public ::testing::Environment {
 public:
  void TearDown() override {
    auto& state = shared();
    state.process.reset();
    state.tried = false;
  }
};

[[maybe_unused]] ::testing::Environment* const registered_environment =
    ::testing::AddGlobalTestEnvironment(new azurite_environment);

}  // namespace

azurite_process* shared_azurite(std::string* why) {
  auto& state = shared();
  if (!state.tried) {
    state.tried = true;
    auto process = std::make_unique<azurite_process>();
    state.failure = process->start();
    if (state.failure.empty()) state.process = std::move(process);
  }
  if (!state.process && why) *why = "cannot start Azurite: " + state.failure;
  return state.process.get();
}

std::string unique_container_name(std::string_view prefix) {
  static std::mt19937_64 random{std::random_device{}()};
  static unsigned counter = 0;
  constexpr std::string_view alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string name(prefix.empty() ? "t" : prefix);
  name += '-';
  for (int i = 0; i < 10; ++i) name += alphabet[random() % alphabet.size()];
  name += '-' + std::to_string(++counter);
  return name.substr(0, 63);
}

}  // namespace visionary::test
