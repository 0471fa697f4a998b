#pragma once
// The graph file (docs/graph-file.md): a versioned binary container.
//
//   header   magic "CORRGRPH", format version, section count, file size,
//            CRC-32 of the header and section table
//   table    per section: name, element size, element count, offset, CRC-32
//   data     the raw arrays, each 8-byte aligned, little-endian
//
// The reader trusts nothing: every size and offset is checked against the
// file before use, every section's checksum is verified, and the topology is
// checked for consistency (so a forged file with good checksums cannot make
// a search read out of bounds). Errors name the file and the section.
#include <filesystem>
#include <string>
#include <string_view>

#include "corridor/graph/road_graph.hpp"

namespace corridor::graph {

// 3 adds the optional section cch_order; version 2 files are read as well.
inline constexpr std::uint32_t k_graph_format_version = 4;

// Throws IoError when the file cannot be written.
void write_graph(const RoadGraph& g, const std::filesystem::path& path);

// Throws IoError (missing/unreadable) or FormatError (not a graph file,
// truncated, corrupted, another version), naming the file and section.
RoadGraph read_graph(const std::filesystem::path& path);

// The same checks on a graph file's bytes held in memory; `file` names them
// in messages. Throws FormatError.
RoadGraph parse_graph(std::string_view bytes, const std::string& file);

// Rewrites the file size and every checksum so that they match the bytes
// (for tests and fuzzing: damage then reaches the structure checks).
void reseal_graph_bytes(std::string& bytes);

}  // namespace corridor::graph
