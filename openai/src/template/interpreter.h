// The tree-walking interpreter that renders a parsed template.
//
// Scoping follows Jinja2: the template's top level is one scope; each for-loop iteration, macro
// call, set block, filter block and generation block gets a child scope whose parent is the scope
// it was written in (macros close over their defining scope), so `set` inside a loop does not leak
// out and namespaces are the way to carry state across iterations. Names were interned to ids at
// parse time; a lookup walks the scope chain comparing integers, then falls back to the render's
// globals. Errors are TemplateError exceptions that pick up the position of the innermost node
// being evaluated; Template::render turns them into vela Errors.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "template/ast.h"
#include "template/parser.h"
#include "template/value.h"

namespace vela::openai::jinja {

/// Per-render settings.
struct RenderOptions {
    std::optional<std::tm> now;  // fixed local time for strftime_now(); unset = the system clock
};

/// A variable scope: a few (id, value) pairs and the enclosing scope.
class Scope {
  public:
    /// A scope nested in `parent` (null for the top level).
    explicit Scope(std::shared_ptr<Scope> parent) : parent_(std::move(parent)) {}
    /// The value bound to `id` in this scope only, or null.
    const Value* find_local(uint32_t id) const {
        for (const auto& [key, value] : vars_) {
            if (key == id) return &value;
        }
        return nullptr;
    }
    /// Binds `id` in this scope.
    void set(uint32_t id, Value value);
    /// Drops every binding (a loop reuses its scope for each iteration).
    void clear() { vars_.clear(); }
    /// The enclosing scope, or null.
    const std::shared_ptr<Scope>& parent() const { return parent_; }

  private:
    std::shared_ptr<Scope> parent_;
    std::vector<std::pair<uint32_t, Value>> vars_;
};

/// Renders one template once. Not thread-safe; make one per render.
class Interpreter {
  public:
    /// An interpreter for `parsed`, whose globals by name id are `globals`.
    Interpreter(const ParsedTemplate& parsed, const std::vector<Value>& globals,
                const RenderOptions& options);

    /// Renders with the variables of `context` (a dict; other keys than strings are ignored).
    std::string render(const Value& context);

    /// Calls `callee` with `args` (a macro, builtin or bound method); throws when not callable.
    Value call(const Value& callee, CallArgs& args);

    /// `object.name` with Jinja2's sandboxed getattr semantics.
    Value get_attribute(const Value& object, const std::shared_ptr<const StringData>& name);

    /// `object[key]` with Jinja2's getitem semantics (no slices).
    Value get_item(const Value& object, const Value& key);

    /// Applies the filter called `name` (for map/select-style filters that take a filter name).
    Value apply_filter(std::string_view name, const Value& input, CallArgs& args);

    /// Applies the test called `name` (for select/reject-style filters).
    bool apply_test(std::string_view name, const Value& input, CallArgs& args);

    /// Renders a macro body with its arguments bound; used by macro callables.
    Value call_macro(const MacroStmt& macro, const std::shared_ptr<Scope>& closure, CallArgs& args);

    /// The render settings.
    const RenderOptions& options() const { return options_; }

  private:
    enum class Flow { Normal, Break, Continue };

    void count_step();
    Flow exec_body(const Body& body);
    Flow exec(const Stmt& stmt);
    Flow exec_for(const ForStmt& stmt);
    void exec_if(const IfStmt& stmt, Flow& flow);
    void exec_macro(const MacroStmt& stmt);
    void exec_call_block(const CallBlockStmt& stmt);
    std::string render_child_body(const Body& body);

    Value eval(const Expr& expr);
    Value eval_inner(const Expr& expr);
    Value eval_name(const NameExpr& expr);
    Value eval_getattr(const GetAttrExpr& expr);
    Value eval_getitem(const GetItemExpr& expr);
    Value eval_call(const CallExpr& expr);
    Value eval_filter(const FilterExpr& expr);
    Value eval_test(const TestExpr& expr);
    Value eval_compare(const CompareExpr& expr);
    Value eval_dict(const DictExpr& expr);
    CallArgs eval_args(const Arguments& args, std::vector<Value>& keep_alive);
    Value slice(const Value& object, const SliceExpr& slice);

    const Value* lookup(uint32_t id) const;
    void assign(const Target& target, Value value);
    void bind_loop_target(const Target& target, const Value& item, Scope& scope);

    const ParsedTemplate& parsed_;
    const std::vector<Value>& globals_;
    const RenderOptions& options_;
    std::shared_ptr<Scope> scope_;
    std::string* out_ = nullptr;
    Value block_input_;  // the body text a filter block's innermost filter applies to
    int64_t loop_id_ = -1;
    int depth_ = 0;
};

}  // namespace vela::openai::jinja
