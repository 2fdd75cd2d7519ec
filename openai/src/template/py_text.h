// Python text semantics on UTF-8 strings: code-point iteration, str.isspace()/isprintable()
// classification, case mapping, repr() of strings and floats, and the slicing and indexing rules of
// Python's str. Templates are written against Python's str, which counts code points, so every
// length, index and slice here is in code points; ASCII-only strings take a byte-wise fast path.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vela::openai::jinja {

/// True when every byte of `text` is ASCII (so bytes and code points coincide).
bool is_ascii(std::string_view text);

/// Decodes one code point at `pos` and advances `pos`; invalid bytes decode as U+FFFD, one byte each.
char32_t decode_utf8(std::string_view text, size_t& pos);

/// Appends `cp` to `out` as UTF-8.
void append_utf8(std::string& out, char32_t cp);

/// The code points of `text`.
std::vector<char32_t> to_code_points(std::string_view text);

/// The UTF-8 text of `cps`.
std::string from_code_points(const std::vector<char32_t>& cps);

/// The number of code points in `text` (Python's len()).
size_t count_code_points(std::string_view text);

/// Python's str.isspace() for one code point (the set \s matches in Python's re).
bool is_py_space(char32_t cp);

/// Python's str.isprintable() for one code point.
bool is_py_printable(char32_t cp);

/// Python's str.isalpha()/isdigit()/isalnum()/isdecimal()/isnumeric() for one code point.
bool is_py_alpha(char32_t cp);
bool is_py_digit(char32_t cp);
bool is_py_decimal(char32_t cp);
bool is_py_numeric(char32_t cp);

/// Lower/upper case of one code point (simple case mapping), and whether it is cased/upper/lower.
char32_t to_lower_cp(char32_t cp);
char32_t to_upper_cp(char32_t cp);
bool is_cased_cp(char32_t cp);
bool is_upper_cp(char32_t cp);
bool is_lower_cp(char32_t cp);

/// Python's str.lower(), str.upper(), str.title(), str.capitalize(), str.swapcase().
std::string py_lower(std::string_view text);
std::string py_upper(std::string_view text);
std::string py_title(std::string_view text);
std::string py_capitalize(std::string_view text);
std::string py_swapcase(std::string_view text);

/// Python's str.strip()/lstrip()/rstrip(): `chars` null = whitespace, otherwise the set of its code
/// points.
std::string_view py_strip(std::string_view text, const std::string* chars, bool left, bool right);

/// Python's str.split(): `sep` null splits on runs of whitespace; `max_split` < 0 = no limit.
std::vector<std::string> py_split(std::string_view text, const std::string* sep, int64_t max_split);

/// Python's str.rsplit().
std::vector<std::string> py_rsplit(std::string_view text, const std::string* sep, int64_t max_split);

/// Python's str.splitlines(keepends).
std::vector<std::string> py_splitlines(std::string_view text, bool keep_ends);

/// Python's str.replace(old, new, count); count < 0 = all.
std::string py_replace(std::string_view text, std::string_view old_text, std::string_view new_text,
                       int64_t count);

/// Python's repr() of a str: quotes chosen as Python does, escapes for non-printable code points.
std::string py_repr_string(std::string_view text);

/// Python's repr() of a float ("1.0", "1e+20", "0.30000000000000004", "inf", "nan").
std::string py_repr_float(double value);

/// Code-point offsets for Python slicing: normalises start/stop/step of a sequence of `length`
/// items and returns the selected indices.
std::vector<int64_t> py_slice_indices(int64_t length, const int64_t* start, const int64_t* stop,
                                      int64_t step);

/// Converts a code-point index to a byte offset in `text` (index clamped to the end).
size_t byte_offset_of(std::string_view text, int64_t cp_index);

/// Python's str.find() in code points (-1 when absent); `rfind` searches from the right. The range
/// [start, end) is in code points, clamped as Python does.
int64_t py_find(std::string_view text, std::string_view needle, int64_t start, int64_t end, bool rfind);

/// Python's str.count() over the code-point range [start, end).
int64_t py_count(std::string_view text, std::string_view needle, int64_t start, int64_t end);

/// HTML escaping as markupsafe.escape does (& < > ' ").
std::string html_escape(std::string_view text);

}  // namespace vela::openai::jinja
