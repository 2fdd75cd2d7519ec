// LazyGrammarConstraint: free text until a trigger appears in the output, then a grammar (strict tools
// under tool_choice "auto": the model may answer in prose, but once it opens a tool call the call must
// match the tool's schema).
//
// Free mode allows every token, except one that completes a trigger and then continues with bytes the
// grammar refuses: the text after the trigger, inside the same token, already belongs to the grammar.
// Triggers are strings (found across token boundaries with an Aho-Corasick automaton, so "<tool" +
// "_call>" triggers too) or token ids (a special token such as Mistral's [TOOL_CALLS]). In grammar mode
// a token must be read whole by the grammar; once the grammar can end, a token whose first byte the
// grammar cannot read instead returns to free mode (so after "</tool_call>" the model may write text,
// open another call or stop). End of generation is allowed in free mode and wherever the grammar can end.
// With `once` (parallel_tool_calls false) the grammar is used a single time: once it can end, only its
// own continuations and the end of generation are allowed, so the turn ends with that one call.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "grammar/grammar_constraint.h"

namespace vela::grammar {

/// What switches a lazy constraint from free text to its grammar.
struct LazyTriggers {
    std::vector<std::string> texts{};  // the grammar starts right after any of these strings
    std::vector<TokenId> tokens{};     // ... or right after any of these tokens
};

/// A factory of lazy constraints: free text, then `grammar` from right after a trigger.
Result<TokenConstraintFactory> make_lazy_grammar_constraint(std::shared_ptr<const VocabularyIndex> vocabulary,
                                                            std::shared_ptr<const CompiledGrammar> grammar,
                                                            LazyTriggers triggers, std::string description,
                                                            bool once = false);

}  // namespace vela::grammar
