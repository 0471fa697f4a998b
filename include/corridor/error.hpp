#pragma once
// The small exception hierarchy used at corridor's edges (input and I/O).
// Every message names the file, the field and the value; front ends map these
// exactly once (the CLI to exit codes, the server to HTTP statuses).
#include <stdexcept>
#include <string>
#include <vector>

namespace corridor {

// Base of all corridor errors.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A value supplied by the user is wrong. `path` is the JSON path or option
// name of the offending field ("features[3].properties.people").
class InputError : public Error {
 public:
  InputError(std::string path, const std::string& message)
      : Error(path.empty() ? message : path + ": " + message), path_(std::move(path)) {}
  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  std::string path_;
};

// Many input problems found at once (validation collects before it reports).
struct Problem {
  std::string path;     // JSON path of the field, may be empty
  std::string message;  // what is wrong, with the value
};

class ValidationError : public Error {
 public:
  ValidationError(const std::string& source, std::vector<Problem> problems);
  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

 private:
  std::vector<Problem> problems_;
};

// A file is not in the format it claims to be (broken PBF, corrupted graph).
class FormatError : public Error {
 public:
  using Error::Error;
};

// A verification failed: a damaged ledger, a refused document. The CLI
// exits 1 for it (docs/cli.md), not 2 as for bad input.
class CheckFailed : public Error {
 public:
  using Error::Error;
};

// A file could not be read or written.
class IoError : public Error {
 public:
  using Error::Error;
};

}  // namespace corridor
