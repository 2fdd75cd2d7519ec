// Helpers shared by the grammar unit tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "grammar/compiled_grammar.h"
#include "grammar/grammar_matcher.h"
#include "grammar/json_schema_compiler.h"

namespace vela::grammar::testing {

/// Compiles `schema` with `options`; fails the test (and returns null) on error.
inline std::shared_ptr<const CompiledGrammar> schema_grammar(std::string_view schema,
                                                             JsonSchemaOptions options = {}) {
    auto g = compile_json_schema_grammar(schema, options);
    EXPECT_TRUE(g.ok()) << schema << ": " << (g.ok() ? "" : g.error().message());
    return g.ok() ? *g : nullptr;
}

/// The compile error message for `schema` (empty, with a test failure, when it compiles).
inline std::string schema_error(std::string_view schema, JsonSchemaOptions options = {}) {
    auto g = compile_json_schema_grammar(schema, options);
    EXPECT_FALSE(g.ok()) << schema << " compiled, but an error was expected";
    return g.ok() ? std::string() : g.error().message();
}

/// True when `grammar` accepts exactly `text` (fed byte by byte).
inline bool accepts(const std::shared_ptr<const CompiledGrammar>& grammar, std::string_view text) {
    GrammarMatcher m(grammar);
    for (char c : text) {
        if (!m.advance(static_cast<uint8_t>(c))) return false;
    }
    return m.can_end();
}

/// Compiles a grammar whose root is `expr` of `builder`.
inline std::shared_ptr<const CompiledGrammar> compile_root(GrammarBuilder& builder, ExprId expr) {
    auto g = CompiledGrammar::compile(builder.finish_with(expr));
    EXPECT_TRUE(g.ok()) << (g.ok() ? "" : g.error().message());
    return g.ok() ? *g : nullptr;
}

}  // namespace vela::grammar::testing
