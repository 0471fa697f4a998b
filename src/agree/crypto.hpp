#pragma once
// libsodium set-up and the small byte helpers agree/ shares: SHA-256
// (FIPS 180-4), lowercase hex, reading and writing whole files.
#include <array>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace corridor::agree::detail {

// Initialises libsodium once per process (thread-safe; sodium_init is
// idempotent). Throws std::runtime_error when the library cannot start.
void ensure_sodium();

std::array<std::uint8_t, 32> sha256(std::string_view bytes);
std::string hex(const std::uint8_t* data, std::size_t size);

// The file's bytes; throws IoError naming the file.
std::string read_file(const std::filesystem::path& path, const std::string& what);
// Parses a JSON file; throws IoError or InputError naming the file.
nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& what);
// Writes through a temporary file and rename(2), so that a reader never sees
// half a file; throws IoError.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace corridor::agree::detail
