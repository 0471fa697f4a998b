#include "agree/files.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "corridor/error.hpp"
#include "corridor/json.hpp"

namespace corridor::agree::detail {

std::string read_file(const std::filesystem::path& path, const std::string& what) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw IoError("cannot read " + what + " " + path.string() + ": it is a directory");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read " + what + " " + path.string() + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw IoError("cannot read " + what + " " + path.string() + ": read failed");
  return text.str();
}

nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& what) {
  const auto text = read_file(path, what);
  std::string why;
  auto doc = json::try_parse(text, &why);
  if (!doc) throw InputError(path.string(), what + " is not valid JSON: " + why);
  return std::move(*doc);
}

void write_file_atomically(const std::filesystem::path& path, std::string_view bytes) {
  const auto temporary = path.string() + ".tmp-" + std::to_string(getpid());
  const int fd = open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw IoError("cannot write " + path.string() + ": " + std::strerror(errno));
  std::size_t written = 0;
  while (written < bytes.size()) {
    const auto n = write(fd, bytes.data() + written, bytes.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = std::strerror(errno);
      close(fd);
      unlink(temporary.c_str());
      throw IoError("cannot write " + path.string() + ": " + why);
    }
    written += static_cast<std::size_t>(n);
  }
  const bool synced = fsync(fd) == 0;
  const std::string sync_error = synced ? "" : std::strerror(errno);
  const bool closed = close(fd) == 0;
  if (!synced || !closed) {
    const std::string why = synced ? std::strerror(errno) : sync_error;
    unlink(temporary.c_str());
    throw IoError("cannot write " + path.string() + ": " + why);
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    unlink(temporary.c_str());
    throw IoError("cannot write " + path.string() + ": " + why);
  }
}

}  // namespace corridor::agree::detail
