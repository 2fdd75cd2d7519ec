// The objects the interpreter creates while rendering: bound methods, macros (closures over their
// defining scope) and the `loop` variable of for loops (Jinja2's LoopContext).
#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "template/ast.h"
#include "template/interpreter.h"
#include "template/value.h"

namespace vela::openai::jinja {

/// `self.name` as a callable value (a Python bound method).
Value make_bound_method(Value self, MethodFn fn, std::shared_ptr<const StringData> name);

/// The macro `macro`, closed over `closure`.
Value make_macro(const MacroStmt& macro, std::shared_ptr<Scope> closure);

/// Jinja2's LoopContext: index, first/last, length, previtem/nextitem, cycle() and changed() of the
/// current iteration. It owns (or shares) the items it iterates, so it stays valid if it escapes.
class LoopObject final : public ObjectData, public std::enable_shared_from_this<LoopObject> {
  public:
    /// A loop over the items of `holder` when it is a list (not a generator), otherwise over `owned`.
    LoopObject(Value holder, std::vector<Value> owned);
    /// Moves to iteration `index0` (0-based).
    void set_index(size_t index0) { index0_ = static_cast<int64_t>(index0); }
    /// The items iterated.
    const std::vector<Value>& items() const { return *items_; }

    Value attribute(std::string_view name) const override;
    std::string repr() const override;
    std::string_view type_name() const override { return "LoopContext"; }

  private:
    class LoopMethod;

    Value holder_;
    std::vector<Value> owned_;
    const std::vector<Value>* items_;
    int64_t index0_ = 0;
    Value last_changed_;  // the arguments of the last loop.changed() call
    bool has_last_changed_ = false;
};

}  // namespace vela::openai::jinja
