#include "tokenizer/regex.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace vela::tokenizer {

namespace {

// Rewrites `\s` as `[\s\x{85}]` and `\S` as `[^\s\x{85}]` (inside a character class: `\s\x{85}`, and
// `\S` is left alone there since no pattern we know uses it inside a class). See the header.
std::string translate_whitespace_classes(std::string_view pattern) {
    std::string out;
    out.reserve(pattern.size() + 16);
    bool in_class = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '\\' && i + 1 < pattern.size()) {
            const char next = pattern[i + 1];
            ++i;
            if (next == 's') {
                out += in_class ? "\\s\\x{85}" : "[\\s\\x{85}]";
            } else if (next == 'S' && !in_class) {
                out += "[^\\s\\x{85}]";
            } else {
                out += '\\';
                out += next;
            }
            continue;
        }
        if (c == '[' && !in_class) {
            in_class = true;
            out += c;
            // A ']' right after '[' or '[^' is a literal member, not the end of the class.
            if (i + 1 < pattern.size() && pattern[i + 1] == '^') out += pattern[++i];
            if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
            continue;
        }
        if (c == ']' && in_class) in_class = false;
        out += c;
    }
    return out;
}

// Grows a JIT stack for patterns whose repeated groups need more than PCRE2's 32 KiB default
// (lookahead inside a repeated group, as in some GPT-4o-style patterns, uses stack per repetition).
struct JitStack {
    pcre2_jit_stack* stack = pcre2_jit_stack_create(32 * 1024, 16 * 1024 * 1024, nullptr);
    ~JitStack() { pcre2_jit_stack_free(stack); }
};

pcre2_jit_stack* thread_jit_stack() {
    thread_local JitStack jit_stack;
    return jit_stack.stack;
}

}  // namespace

void Regex::CodeDeleter::operator()(void* code) const {
    pcre2_code_free(static_cast<pcre2_code*>(code));
}

Regex::~Regex() = default;

Result<Regex> Regex::compile(std::string_view pattern) {
    const std::string translated = translate_whitespace_classes(pattern);
    int error_code = 0;
    PCRE2_SIZE error_offset = 0;
    pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(translated.data()), translated.size(),
                                     PCRE2_UTF | PCRE2_UCP, &error_code, &error_offset, nullptr);
    if (code == nullptr) {
        PCRE2_UCHAR message[256];
        pcre2_get_error_message(error_code, message, sizeof(message));
        return Error{Errc::Unsupported, "regex \"" + std::string(pattern) +
                                            "\" does not compile: " + reinterpret_cast<const char*>(message) +
                                            " at offset " + std::to_string(error_offset)};
    }
    // JIT is an optimisation: when it is unavailable pcre2_match falls back to the interpreter.
    pcre2_jit_compile(code, PCRE2_JIT_COMPLETE);
    return Regex(std::string(pattern), code);
}

void Regex::find_all(std::string_view subject, std::vector<Span>& out) const {
    auto* code = static_cast<pcre2_code*>(code_.get());
    pcre2_match_data* match_data = pcre2_match_data_create_from_pattern(code, nullptr);
    pcre2_match_context* context = pcre2_match_context_create(nullptr);
    pcre2_jit_stack_assign(context, nullptr, thread_jit_stack());
    const auto* data = reinterpret_cast<PCRE2_SPTR>(subject.data());
    size_t start = 0;
    while (start < subject.size()) {
        const int rc =
            pcre2_match(code, data, subject.size(), start, PCRE2_NO_UTF_CHECK, match_data, context);
        // No match, or a resource limit hit on a pathological subject: the rest is one unmatched span.
        if (rc < 0) break;
        const PCRE2_SIZE* ovector = pcre2_get_ovector_pointer(match_data);
        const size_t begin = ovector[0];
        const size_t end = ovector[1];
        if (end > begin) {
            out.push_back({begin, end});
            start = end;
        } else {
            // An empty match: step over one character so the scan always advances.
            const auto lead = static_cast<unsigned char>(subject[begin < subject.size() ? begin : start]);
            const size_t step = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
            start = (begin > start ? begin : start) + step;
        }
    }
    pcre2_match_context_free(context);
    pcre2_match_data_free(match_data);
}

}  // namespace vela::tokenizer
