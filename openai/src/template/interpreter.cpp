// Statement execution and expression evaluation. Each node kind has one small function; the
// Python semantics of the individual operations live in value.cpp, operators.cpp and the builtin
// tables, and Jinja2's attribute/item rules in subscript.cpp, so this file is only about control
// flow, scopes, calls and the render budgets.
#include "template/interpreter.h"

#include <algorithm>
#include <climits>

#include "template/builtins.h"
#include "template/operators.h"
#include "template/py_text.h"
#include "template/runtime_objects.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

// Budgets that stop hostile templates (a request may carry its own) from hanging or exhausting
// memory; real chat templates stay orders of magnitude below them.
constexpr int64_t kMaxWork = 50'000'000;            // work units per render (see charge_work)
constexpr size_t kMaxTextBytes = size_t{64} << 20;  // rendered output, or any string built by ~

void check_text_size(const std::string& text) {
    if (text.size() > kMaxTextBytes) {
        throw TemplateError(TemplateErrorKind::Limit,
                            "the rendered text exceeds " + std::to_string(kMaxTextBytes >> 20) + " MiB");
    }
}

constexpr int kMaxDepth = 400;  // nested macro calls / blocks before we refuse (Python's limit is ~1000)

[[noreturn]] void throw_security(const std::string& attr, std::string_view owner) {
    throw TemplateError(TemplateErrorKind::Security, "access to attribute '" + attr + "' of '" +
                                                         std::string(owner) + "' object is unsafe.");
}

}  // namespace

void Scope::set(uint32_t id, Value value) {
    for (auto& [key, existing] : vars_) {
        if (key == id) {
            existing = std::move(value);
            return;
        }
    }
    vars_.emplace_back(id, std::move(value));
}

Interpreter::Interpreter(const ParsedTemplate& parsed, const std::vector<Value>& globals,
                         const RenderOptions& options)
    : parsed_(parsed), globals_(globals), options_(options) {
    loop_id_ = parsed.names.find("loop");
}

std::string Interpreter::render(const Value& context) {
    struct WorkBudget {
        WorkBudget() { reset_work_budget(kMaxWork); }
        ~WorkBudget() { reset_work_budget(INT64_MAX); }
    } budget;
    scope_ = std::make_shared<Scope>(nullptr);
    if (context.is_dict()) {
        for (const auto& [key, value] : context.as_dict().entries()) {
            if (!key.is_string()) continue;
            const int64_t id = parsed_.names.find(key.as_string());
            if (id >= 0) scope_->set(static_cast<uint32_t>(id), value);
        }
    }
    std::string out;
    out.reserve(4096);
    out_ = &out;
    exec_body(parsed_.body);
    out_ = nullptr;
    scope_.reset();
    return out;
}

// ---- statements ----

Interpreter::Flow Interpreter::exec_body(const Body& body) {
    for (const auto& stmt : body) {
        const Flow flow = exec(*stmt);
        if (flow != Flow::Normal) return flow;
    }
    return Flow::Normal;
}

void Interpreter::count_step() {
    charge_work(1);
}

Interpreter::Flow Interpreter::exec(const Stmt& stmt) {
    try {
        count_step();
        switch (stmt.kind) {
            case StmtKind::Text:
                *out_ += static_cast<const TextStmt&>(stmt).text;
                check_text_size(*out_);
                return Flow::Normal;
            case StmtKind::Print:
                append_py_str(*out_, eval(*static_cast<const PrintStmt&>(stmt).expr));
                check_text_size(*out_);
                return Flow::Normal;
            case StmtKind::If: {
                Flow flow = Flow::Normal;
                exec_if(static_cast<const IfStmt&>(stmt), flow);
                return flow;
            }
            case StmtKind::For:
                return exec_for(static_cast<const ForStmt&>(stmt));
            case StmtKind::Set: {
                const auto& set = static_cast<const SetStmt&>(stmt);
                assign(set.target, eval(*set.value));
                return Flow::Normal;
            }
            case StmtKind::SetBlock: {
                const auto& set = static_cast<const SetBlockStmt&>(stmt);
                Value text = Value::string(render_child_body(set.body));
                if (set.filter) {
                    Value saved = std::move(block_input_);
                    block_input_ = std::move(text);
                    text = eval(*set.filter);
                    block_input_ = std::move(saved);
                }
                assign(set.target, std::move(text));
                return Flow::Normal;
            }
            case StmtKind::Macro:
                exec_macro(static_cast<const MacroStmt&>(stmt));
                return Flow::Normal;
            case StmtKind::CallBlock:
                exec_call_block(static_cast<const CallBlockStmt&>(stmt));
                return Flow::Normal;
            case StmtKind::FilterBlock: {
                const auto& block = static_cast<const FilterBlockStmt&>(stmt);
                Value saved = std::move(block_input_);
                block_input_ = Value::string(render_child_body(block.body));
                Value result = eval(*block.filter);
                block_input_ = std::move(saved);
                append_py_str(*out_, result);
                check_text_size(*out_);
                return Flow::Normal;
            }
            case StmtKind::Break:
                return Flow::Break;
            case StmtKind::Continue:
                return Flow::Continue;
            case StmtKind::Scope:
                *out_ += render_child_body(static_cast<const ScopeStmt&>(stmt).body);
                check_text_size(*out_);
                return Flow::Normal;
        }
    } catch (TemplateError& error) {
        error.set_position(stmt.pos.line, stmt.pos.column);
        throw;
    }
    return Flow::Normal;
}

std::string Interpreter::render_child_body(const Body& body) {
    if (++depth_ > kMaxDepth) {
        throw TemplateError(TemplateErrorKind::Limit,
                            "maximum template recursion depth (" + std::to_string(kMaxDepth) + ") exceeded");
    }
    std::string text;
    std::string* saved_out = out_;
    auto saved_scope = scope_;
    out_ = &text;
    scope_ = std::make_shared<Scope>(saved_scope);
    try {
        exec_body(body);
    } catch (...) {
        out_ = saved_out;
        scope_ = std::move(saved_scope);
        --depth_;
        throw;
    }
    out_ = saved_out;
    scope_ = std::move(saved_scope);
    --depth_;
    return text;
}

void Interpreter::exec_if(const IfStmt& stmt, Flow& flow) {
    for (const auto& [test, body] : stmt.branches) {
        if (py_truthy(eval(*test))) {
            flow = exec_body(body);
            return;
        }
    }
    flow = exec_body(stmt.otherwise);
}

void Interpreter::bind_loop_target(const Target& target, const Value& item, Scope& scope) {
    if (target.kind == Target::Kind::Name) {
        scope.set(target.id, item);
        return;
    }
    const std::vector<Value> parts = py_iterate(item);
    if (parts.size() != target.items.size()) {
        if (parts.size() < target.items.size()) {
            throw_type_error("not enough values to unpack (expected " + std::to_string(target.items.size()) +
                             ", got " + std::to_string(parts.size()) + ")");
        }
        throw_type_error("too many values to unpack (expected " + std::to_string(target.items.size()) + ")");
    }
    for (size_t i = 0; i < parts.size(); ++i)
        bind_loop_target(target.items[i], parts[i], scope);
}

Interpreter::Flow Interpreter::exec_for(const ForStmt& stmt) {
    Value iterable = eval(*stmt.iterable);
    if (iterable.is_undefined() && iterable.undefined_reason() == UndefinedReason::Unsafe) {
        throw_undefined(iterable);
    }
    // Lists are iterated in place; everything else (dict keys, string characters, generators)
    // is materialised first.
    const bool in_place = iterable.is_list() && !iterable.is_generator();
    std::vector<Value> owned;
    if (!in_place) owned = py_iterate(iterable);
    const std::vector<Value>& all = in_place ? iterable.items() : owned;

    auto saved_scope = scope_;
    auto loop_scope = std::make_shared<Scope>(saved_scope);
    scope_ = loop_scope;
    struct Restore {
        Interpreter& self;
        std::shared_ptr<Scope> saved;
        ~Restore() { self.scope_ = std::move(saved); }
    } restore{*this, saved_scope};

    std::shared_ptr<LoopObject> loop;
    if (stmt.filter) {
        std::vector<Value> kept;
        for (const Value& item : all) {
            count_step();
            loop_scope->clear();
            bind_loop_target(stmt.target, item, *loop_scope);
            if (py_truthy(eval(*stmt.filter))) kept.push_back(item);
        }
        loop = std::make_shared<LoopObject>(Value(), std::move(kept));
    } else if (in_place) {
        loop = std::make_shared<LoopObject>(iterable, std::vector<Value>());
    } else {
        loop = std::make_shared<LoopObject>(Value(), std::move(owned));
    }
    const std::vector<Value>& items = loop->items();
    const Value loop_value = loop_id_ >= 0 ? Value::object(loop) : Value();
    // Jinja2 runs the else block unless some iteration reached the end of the body: a loop whose
    // every iteration ended in break or continue also takes the else branch.
    bool completed_iteration = false;
    for (size_t i = 0; i < items.size(); ++i) {
        count_step();
        loop_scope->clear();
        loop->set_index(i);
        if (loop_id_ >= 0) loop_scope->set(static_cast<uint32_t>(loop_id_), loop_value);
        bind_loop_target(stmt.target, items[i], *loop_scope);
        const Flow flow = exec_body(stmt.body);
        if (flow == Flow::Break) break;
        if (flow == Flow::Normal) completed_iteration = true;
    }
    if (!completed_iteration && !stmt.otherwise.empty()) {
        loop_scope->clear();
        exec_body(stmt.otherwise);
    }
    return Flow::Normal;
}

void Interpreter::exec_macro(const MacroStmt& stmt) {
    scope_->set(stmt.id, make_macro(stmt, scope_));
}

void Interpreter::exec_call_block(const CallBlockStmt& stmt) {
    const auto& call = static_cast<const CallExpr&>(*stmt.call);
    Value caller = make_macro(*stmt.caller, scope_);
    std::vector<Value> keep_alive;
    CallArgs args = eval_args(call.args, keep_alive);
    args.keywords.emplace_back("caller", std::move(caller));
    Value callee = eval(*call.callee);
    append_py_str(*out_, this->call(callee, args));
    check_text_size(*out_);
}

Value Interpreter::call_macro(const MacroStmt& macro, const std::shared_ptr<Scope>& closure, CallArgs& args) {
    if (++depth_ > kMaxDepth) {
        --depth_;
        throw TemplateError(TemplateErrorKind::Limit, "maximum template recursion depth (" +
                                                          std::to_string(kMaxDepth) +
                                                          ") exceeded in macro '" + macro.name + "'");
    }
    auto scope = std::make_shared<Scope>(closure);
    const size_t n_params = macro.params.size();
    std::vector<Value> values(n_params);
    std::vector<bool> given(n_params, false);
    for (size_t i = 0; i < std::min(n_params, args.positional.size()); ++i) {
        values[i] = args.positional[i];
        given[i] = true;
    }
    std::vector<std::pair<std::string_view, Value>> extra_keywords;
    Value caller_value;
    bool caller_given = false;
    for (auto& [name, value] : args.keywords) {
        bool matched = false;
        for (size_t i = args.positional.size(); i < n_params; ++i) {
            if (macro.params[i].name->text == name) {
                values[i] = value;
                given[i] = true;
                matched = true;
                break;
            }
        }
        if (matched) continue;
        if (name == "caller" && macro.has_caller && !caller_given) {
            caller_value = value;
            caller_given = true;
            continue;
        }
        extra_keywords.emplace_back(name, value);
    }
    if (!macro.catch_kwargs && !extra_keywords.empty()) {
        --depth_;
        throw_type_error("macro '" + macro.name + "' takes no keyword argument '" +
                         std::string(extra_keywords.front().first) + "'");
    }
    if (!macro.catch_varargs && args.positional.size() > n_params) {
        --depth_;
        throw_type_error("macro '" + macro.name + "' takes not more than " + std::to_string(n_params) +
                         " argument(s)");
    }

    auto saved_scope = scope_;
    std::string* saved_out = out_;
    std::string text;
    scope_ = scope;
    out_ = &text;
    try {
        for (size_t i = 0; i < n_params; ++i) {
            const Parameter& param = macro.params[i];
            if (!given[i]) {
                if (param.default_value) {
                    values[i] = eval(*param.default_value);
                } else {
                    values[i] = Value::undefined(
                        UndefinedReason::Plain, std::make_shared<const StringData>(
                                                    "parameter '" + param.name->text + "' was not provided"));
                }
            }
            scope->set(param.id, values[i]);
        }
        if (macro.has_caller) {
            const int64_t id = parsed_.names.find("caller");
            if (id >= 0 && !caller_given) {
                caller_value = Value::undefined(UndefinedReason::Plain,
                                                std::make_shared<const StringData>("No caller defined"));
            }
            if (id >= 0) scope->set(static_cast<uint32_t>(id), caller_value);
        }
        if (macro.catch_varargs) {
            std::vector<Value> rest;
            for (size_t i = n_params; i < args.positional.size(); ++i)
                rest.push_back(args.positional[i]);
            scope->set(static_cast<uint32_t>(parsed_.names.find("varargs")),
                       Value::list(std::move(rest), ListKind::Tuple));
        }
        if (macro.catch_kwargs) {
            auto dict = std::make_shared<DictData>();
            for (auto& [name, value] : extra_keywords)
                dict->set(Value::string(std::string(name)), value);
            scope->set(static_cast<uint32_t>(parsed_.names.find("kwargs")), Value::dict(std::move(dict)));
        }
        exec_body(macro.body);
    } catch (...) {
        scope_ = std::move(saved_scope);
        out_ = saved_out;
        --depth_;
        throw;
    }
    scope_ = std::move(saved_scope);
    out_ = saved_out;
    --depth_;
    return Value::string(std::move(text));
}

void Interpreter::assign(const Target& target, Value value) {
    switch (target.kind) {
        case Target::Kind::Name:
            scope_->set(target.id, std::move(value));
            return;
        case Target::Kind::Tuple:
            bind_loop_target(target, value, *scope_);
            return;
        case Target::Kind::Attribute: {
            const Value* object = lookup(target.id);
            if (object == nullptr || !object->is_object() ||
                !object->as_object().set_attribute(target.attr->text, std::move(value))) {
                throw TemplateError(
                    TemplateErrorKind::Type,
                    "cannot assign attribute on non-namespace object '" + target.name->text + "'",
                    target.pos.line, target.pos.column);
            }
            return;
        }
    }
}

// ---- expressions ----

const Value* Interpreter::lookup(uint32_t id) const {
    for (const Scope* scope = scope_.get(); scope != nullptr; scope = scope->parent().get()) {
        if (const Value* value = scope->find_local(id)) return value;
    }
    if (id < globals_.size() && !globals_[id].is_undefined()) return &globals_[id];
    return nullptr;
}

Value Interpreter::eval(const Expr& expr) {
    try {
        return eval_inner(expr);
    } catch (TemplateError& error) {
        error.set_position(expr.pos.line, expr.pos.column);
        throw;
    }
}

Value Interpreter::eval_inner(const Expr& expr) {
    switch (expr.kind) {
        case ExprKind::Literal:
            return static_cast<const LiteralExpr&>(expr).value;
        case ExprKind::Name:
            return eval_name(static_cast<const NameExpr&>(expr));
        case ExprKind::List:
        case ExprKind::Tuple: {
            const auto& seq = static_cast<const SequenceExpr&>(expr);
            std::vector<Value> items;
            items.reserve(seq.items.size());
            for (const auto& item : seq.items)
                items.push_back(eval(*item));
            return Value::list(std::move(items),
                               expr.kind == ExprKind::Tuple ? ListKind::Tuple : ListKind::List);
        }
        case ExprKind::Dict:
            return eval_dict(static_cast<const DictExpr&>(expr));
        case ExprKind::GetAttr:
            return eval_getattr(static_cast<const GetAttrExpr&>(expr));
        case ExprKind::GetItem:
            return eval_getitem(static_cast<const GetItemExpr&>(expr));
        case ExprKind::Slice:
            throw TemplateError(TemplateErrorKind::Syntax, "a slice is only valid inside []");
        case ExprKind::Call:
            return eval_call(static_cast<const CallExpr&>(expr));
        case ExprKind::Filter:
            return eval_filter(static_cast<const FilterExpr&>(expr));
        case ExprKind::Test:
            return eval_test(static_cast<const TestExpr&>(expr));
        case ExprKind::Not:
            return Value::boolean(!py_truthy(eval(*static_cast<const UnaryExpr&>(expr).operand)));
        case ExprKind::Neg:
            return py_negate(eval(*static_cast<const UnaryExpr&>(expr).operand));
        case ExprKind::Pos:
            return py_positive(eval(*static_cast<const UnaryExpr&>(expr).operand));
        case ExprKind::Binary: {
            const auto& binary = static_cast<const BinaryExpr&>(expr);
            Value left = eval(*binary.left);
            return py_binary(binary.op, left, eval(*binary.right));
        }
        case ExprKind::And: {
            const auto& binary = static_cast<const BinaryExpr&>(expr);
            Value left = eval(*binary.left);
            if (!py_truthy(left)) return left;
            return eval(*binary.right);
        }
        case ExprKind::Or: {
            const auto& binary = static_cast<const BinaryExpr&>(expr);
            Value left = eval(*binary.left);
            if (py_truthy(left)) return left;
            return eval(*binary.right);
        }
        case ExprKind::Concat: {
            std::string text;
            for (const auto& part : static_cast<const ConcatExpr&>(expr).parts) {
                append_py_str(text, eval(*part));
            }
            check_text_size(text);
            return Value::string(std::move(text));
        }
        case ExprKind::Compare:
            return eval_compare(static_cast<const CompareExpr&>(expr));
        case ExprKind::CondExpr: {
            const auto& cond = static_cast<const CondExpr&>(expr);
            if (py_truthy(eval(*cond.test))) return eval(*cond.then);
            if (cond.otherwise) return eval(*cond.otherwise);
            return Value::undefined(UndefinedReason::Plain,
                                    std::make_shared<const StringData>(
                                        "the inline if-expression on line " + std::to_string(expr.pos.line) +
                                        " evaluated to false and no else section was defined."));
        }
    }
    return {};
}

Value Interpreter::eval_name(const NameExpr& expr) {
    if (const Value* value = lookup(expr.id)) return *value;
    return Value::undefined(UndefinedReason::Name, expr.name);
}

Value Interpreter::eval_dict(const DictExpr& expr) {
    auto dict = std::make_shared<DictData>();
    for (const auto& [key_expr, value_expr] : expr.items) {
        Value key = eval(*key_expr);
        if (!py_hashable(key)) throw_type_error("unhashable type: '" + std::string(py_type_name(key)) + "'");
        dict->set(std::move(key), eval(*value_expr));
    }
    return Value::dict(std::move(dict));
}

CallArgs Interpreter::eval_args(const Arguments& args, std::vector<Value>& keep_alive) {
    CallArgs call_args;
    call_args.positional.reserve(args.positional.size());
    for (const auto& arg : args.positional)
        call_args.positional.push_back(eval(*arg));
    if (args.star_args) {
        for (Value& item : py_iterate(eval(*args.star_args)))
            call_args.positional.push_back(std::move(item));
    }
    for (const auto& [name, arg] : args.keywords)
        call_args.keywords.emplace_back(name, eval(*arg));
    if (args.star_kwargs) {
        Value dict = eval(*args.star_kwargs);
        if (!dict.is_dict())
            throw_type_error("argument after ** must be a mapping, not " + std::string(py_type_name(dict)));
        for (const auto& [key, value] : dict.as_dict().entries()) {
            if (!key.is_string()) throw_type_error("keywords must be strings");
            call_args.keywords.emplace_back(key.as_string(), value);
        }
        keep_alive.push_back(std::move(dict));
    }
    return call_args;
}

Value Interpreter::call(const Value& callee, CallArgs& args) {
    if (callee.is_callable()) return callee.as_callable().call(*this, args);
    if (callee.is_undefined()) throw_undefined(callee);
    throw_type_error("'" + std::string(py_type_name(callee)) + "' object is not callable");
}

Value Interpreter::eval_call(const CallExpr& expr) {
    std::vector<Value> keep_alive;
    if (expr.callee->kind == ExprKind::GetAttr) {
        // Method calls go straight to the builtin without materialising a bound method.
        const auto& getattr = static_cast<const GetAttrExpr&>(*expr.callee);
        Value self = eval(*getattr.object);
        MethodFn fn = nullptr;
        bool unsafe = false;
        if (self.is_string()) {
            fn = getattr.str_method;
        } else if (self.is_list()) {
            fn = getattr.list_method;
            unsafe = getattr.list_method_unsafe;
        } else if (self.is_dict()) {
            fn = getattr.dict_method;
            unsafe = getattr.dict_method_unsafe;
        }
        if (fn != nullptr) {
            if (unsafe) throw_security(getattr.name->text, self.is_list() ? "list" : "dict");
            CallArgs args = eval_args(expr.args, keep_alive);
            return fn(*this, self, args);
        }
        Value callee = get_attribute(self, getattr.name);
        CallArgs args = eval_args(expr.args, keep_alive);
        return call(callee, args);
    }
    Value callee = eval(*expr.callee);
    CallArgs args = eval_args(expr.args, keep_alive);
    return call(callee, args);
}

Value Interpreter::eval_filter(const FilterExpr& expr) {
    Value input = expr.input ? eval(*expr.input) : block_input_;
    if (expr.fn == nullptr) {
        throw TemplateError(TemplateErrorKind::Syntax, "No filter named '" + expr.name + "'.");
    }
    std::vector<Value> keep_alive;
    CallArgs args = eval_args(expr.args, keep_alive);
    return expr.fn(*this, input, args);
}

Value Interpreter::eval_test(const TestExpr& expr) {
    Value input = eval(*expr.input);
    if (expr.fn == nullptr) {
        throw TemplateError(TemplateErrorKind::Syntax, "No test named '" + expr.name + "'.");
    }
    std::vector<Value> keep_alive;
    CallArgs args = eval_args(expr.args, keep_alive);
    return Value::boolean(expr.fn(*this, input, args));
}

Value Interpreter::eval_compare(const CompareExpr& expr) {
    Value left = eval(*expr.first);
    for (const auto& [op, operand] : expr.rest) {
        Value right = eval(*operand);
        bool result = false;
        switch (op) {
            case CompareOp::Eq:
                result = py_equal(left, right);
                break;
            case CompareOp::Ne:
                result = !py_equal(left, right);
                break;
            case CompareOp::Lt:
                result = py_less(left, right);
                break;
            case CompareOp::Le:
                result = py_less(left, right) || py_equal(left, right);
                break;
            case CompareOp::Gt:
                result = py_less(right, left);
                break;
            case CompareOp::Ge:
                result = py_less(right, left) || py_equal(left, right);
                break;
            case CompareOp::In:
                result = py_contains(right, left);
                break;
            case CompareOp::NotIn:
                result = !py_contains(right, left);
                break;
        }
        if (!result) return Value::boolean(false);
        left = std::move(right);
    }
    return Value::boolean(true);
}

Value Interpreter::apply_filter(std::string_view name, const Value& input, CallArgs& args) {
    const FilterFn fn = find_filter(name);
    if (fn == nullptr)
        throw TemplateError(TemplateErrorKind::Type, "No filter named '" + std::string(name) + "'.");
    return fn(*this, input, args);
}

bool Interpreter::apply_test(std::string_view name, const Value& input, CallArgs& args) {
    const TestFn fn = find_test(name);
    if (fn == nullptr)
        throw TemplateError(TemplateErrorKind::Type, "No test named '" + std::string(name) + "'.");
    return fn(*this, input, args);
}

}  // namespace vela::openai::jinja
