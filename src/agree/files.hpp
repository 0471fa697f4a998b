#pragma once
// Reading and writing the whole files agree/ keeps: keys, registries,
// agreements.
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace corridor::agree::detail {

// The file's bytes; throws IoError naming the file.
std::string read_file(const std::filesystem::path& path, const std::string& what);
// Parses a JSON file; throws IoError or InputError naming the file.
nlohmann::json read_json_file(const std::filesystem::path& path, const std::string& what);
// Writes through a temporary file and rename(2), so that a reader never sees
// half a file; throws IoError.
void write_file_atomically(const std::filesystem::path& path, std::string_view bytes);

}  // namespace corridor::agree::detail
