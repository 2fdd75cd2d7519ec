#include "grammar/string_formats.h"

#include "grammar/regex_compiler.h"

namespace vela::grammar {
namespace {

// Days 01-31 by month; leap years are the years divisible by 4, except centuries not divisible by 400.
const std::string kDate =
    "(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|"
    "02-(?:0[1-9]|1[0-9]|2[0-8]))|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[048]|[2468][048]|"
    "[13579][26])00)-02-29)";
const std::string kTime =
    "(?:[01][0-9]|2[0-3]):[0-5][0-9]:(?:[0-5][0-9]|60)(?:\\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-"
    "9])";
const std::string kLabel = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?";
const std::string kOctet = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])";
const std::string kAtom = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";

struct FormatRow {
    std::string name;
    std::string pattern;
};

const std::vector<FormatRow>& formats() {
    static const std::vector<FormatRow> rows = {
        {"date", "^" + kDate + "$"},
        {"time", "^" + kTime + "$"},
        {"date-time", "^" + kDate + "[Tt]" + kTime + "$"},
        {"uuid", "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"},
        {"ipv4", "^" + kOctet + "\\." + kOctet + "\\." + kOctet + "\\." + kOctet + "$"},
        {"email", "^" + kAtom + "(?:\\." + kAtom + ")*@" + kLabel + "(?:\\." + kLabel + ")*$"},
        {"hostname", "^" + kLabel + "(?:\\." + kLabel + ")*$"},
    };
    return rows;
}

}  // namespace

std::vector<std::string> supported_formats() {
    std::vector<std::string> names;
    for (const FormatRow& row : formats())
        names.push_back(row.name);
    return names;
}

Result<ExprId> compile_format(JsonGrammarBlocks& json, std::string_view format) {
    for (const FormatRow& row : formats()) {
        if (format == row.name) return compile_regex(json, row.pattern);
    }
    std::string names;
    for (const FormatRow& row : formats())
        names += (names.empty() ? "" : ", ") + row.name;
    return Error{Errc::Unsupported,
                 "format '" + std::string(format) + "' is not supported (supported: " + names + ")"};
}

}  // namespace vela::grammar
