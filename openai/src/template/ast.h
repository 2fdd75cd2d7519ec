// The syntax tree of a compiled template. Nodes mirror Jinja2's node classes (Output, If, For,
// Assign, AssignBlock, Macro, CallBlock, FilterBlock, Getattr, Getitem, Filter, Test, Compare,
// CondExpr, ...). Names are interned to integer ids at parse time and filters, tests and methods are
// resolved to function pointers, so rendering does no string lookups for them. The tree is
// immutable after compilation and shared by concurrent renders.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "template/value.h"

namespace vela::openai::jinja {

/// A builtin filter: `input | name(args)`.
using FilterFn = Value (*)(Interpreter& interpreter, const Value& input, CallArgs& args);
/// A builtin test: `input is name(args)`.
using TestFn = bool (*)(Interpreter& interpreter, const Value& input, CallArgs& args);
/// A Python method of a builtin type: `self.name(args)`.
using MethodFn = Value (*)(Interpreter& interpreter, const Value& self, CallArgs& args);

/// Source position, 1-based.
struct SourcePos {
    uint32_t line = 0;
    uint32_t column = 0;
};

enum class ExprKind : uint8_t {
    Literal,
    Name,
    List,
    Tuple,
    Dict,
    GetAttr,
    GetItem,
    Slice,
    Call,
    Filter,
    Test,
    Not,
    Neg,
    Pos,
    Binary,
    And,
    Or,
    Concat,
    Compare,
    CondExpr,
};

/// Base of every expression node.
struct Expr {
    Expr(ExprKind k, SourcePos p) : kind(k), pos(p) {}
    virtual ~Expr() = default;
    ExprKind kind;
    SourcePos pos;
};
using ExprPtr = std::unique_ptr<Expr>;

/// A constant (string, number, bool, none).
struct LiteralExpr final : Expr {
    LiteralExpr(SourcePos p, Value v) : Expr(ExprKind::Literal, p), value(std::move(v)) {}
    Value value;
};

/// A variable reference.
struct NameExpr final : Expr {
    NameExpr(SourcePos p, uint32_t i, std::shared_ptr<const StringData> n)
        : Expr(ExprKind::Name, p), id(i), name(std::move(n)) {}
    uint32_t id;
    std::shared_ptr<const StringData> name;
};

/// A list or tuple display.
struct SequenceExpr final : Expr {
    SequenceExpr(ExprKind k, SourcePos p) : Expr(k, p) {}
    std::vector<ExprPtr> items;
};

/// A dict display.
struct DictExpr final : Expr {
    explicit DictExpr(SourcePos p) : Expr(ExprKind::Dict, p) {}
    std::vector<std::pair<ExprPtr, ExprPtr>> items;
};

/// `object.name`, with the Python methods of that name pre-resolved per receiver type.
struct GetAttrExpr final : Expr {
    GetAttrExpr(SourcePos p, ExprPtr o, std::shared_ptr<const StringData> n)
        : Expr(ExprKind::GetAttr, p), object(std::move(o)), name(std::move(n)) {}
    ExprPtr object;
    std::shared_ptr<const StringData> name;
    MethodFn str_method = nullptr;
    MethodFn list_method = nullptr;
    MethodFn dict_method = nullptr;
    bool list_method_unsafe = false;  // a mutating list method (the sandbox refuses it)
    bool dict_method_unsafe = false;  // a mutating dict method (the sandbox refuses it)
};

/// `object[index]`; `index` may be a SliceExpr.
struct GetItemExpr final : Expr {
    GetItemExpr(SourcePos p, ExprPtr o, ExprPtr i)
        : Expr(ExprKind::GetItem, p), object(std::move(o)), index(std::move(i)) {}
    ExprPtr object;
    ExprPtr index;
};

/// `start:stop:step` inside a subscript; absent parts are null.
struct SliceExpr final : Expr {
    explicit SliceExpr(SourcePos p) : Expr(ExprKind::Slice, p) {}
    ExprPtr start;
    ExprPtr stop;
    ExprPtr step;
};

/// Call arguments as written: positional, keyword, *args and **kwargs.
struct Arguments {
    std::vector<ExprPtr> positional;
    std::vector<std::pair<std::string, ExprPtr>> keywords;
    ExprPtr star_args;
    ExprPtr star_kwargs;
};

/// `callee(args)`.
struct CallExpr final : Expr {
    CallExpr(SourcePos p, ExprPtr c) : Expr(ExprKind::Call, p), callee(std::move(c)) {}
    ExprPtr callee;
    Arguments args;
};

/// `input | name(args)`; a null input stands for the body of a filter block or set block.
struct FilterExpr final : Expr {
    FilterExpr(SourcePos p, ExprPtr i, std::string n)
        : Expr(ExprKind::Filter, p), input(std::move(i)), name(std::move(n)) {}
    ExprPtr input;
    std::string name;
    FilterFn fn = nullptr;  // null: unknown filter, an error when evaluated
    Arguments args;
};

/// `input is name(args)`.
struct TestExpr final : Expr {
    TestExpr(SourcePos p, ExprPtr i, std::string n)
        : Expr(ExprKind::Test, p), input(std::move(i)), name(std::move(n)) {}
    ExprPtr input;
    std::string name;
    TestFn fn = nullptr;  // null: unknown test, an error when evaluated
    Arguments args;
};

/// `not x`, `-x`, `+x`.
struct UnaryExpr final : Expr {
    UnaryExpr(ExprKind k, SourcePos p, ExprPtr o) : Expr(k, p), operand(std::move(o)) {}
    ExprPtr operand;
};

enum class BinaryOp : uint8_t { Add, Sub, Mul, Div, FloorDiv, Mod, Pow };

/// Arithmetic (kind Binary) or `and`/`or` (kinds And/Or, op unused).
struct BinaryExpr final : Expr {
    BinaryExpr(ExprKind k, SourcePos p, BinaryOp o, ExprPtr l, ExprPtr r)
        : Expr(k, p), op(o), left(std::move(l)), right(std::move(r)) {}
    BinaryOp op;
    ExprPtr left;
    ExprPtr right;
};

/// `a ~ b ~ c`.
struct ConcatExpr final : Expr {
    explicit ConcatExpr(SourcePos p) : Expr(ExprKind::Concat, p) {}
    std::vector<ExprPtr> parts;
};

enum class CompareOp : uint8_t { Eq, Ne, Lt, Le, Gt, Ge, In, NotIn };

/// A comparison chain `a < b == c`.
struct CompareExpr final : Expr {
    CompareExpr(SourcePos p, ExprPtr f) : Expr(ExprKind::Compare, p), first(std::move(f)) {}
    ExprPtr first;
    std::vector<std::pair<CompareOp, ExprPtr>> rest;
};

/// `then if test else otherwise`; a missing else yields undefined.
struct CondExpr final : Expr {
    CondExpr(SourcePos p, ExprPtr t, ExprPtr y, ExprPtr n)
        : Expr(ExprKind::CondExpr, p), test(std::move(t)), then(std::move(y)), otherwise(std::move(n)) {}
    ExprPtr test;
    ExprPtr then;
    ExprPtr otherwise;
};

/// An assignment target: a name, a (nested) tuple of names, or a namespace attribute.
struct Target {
    enum class Kind : uint8_t { Name, Tuple, Attribute };
    Kind kind = Kind::Name;
    SourcePos pos;
    uint32_t id = 0;                         // Name, Attribute: the variable
    std::shared_ptr<const StringData> name;  // Name, Attribute: its spelling
    std::shared_ptr<const StringData> attr;  // Attribute: the attribute
    std::vector<Target> items;               // Tuple
};

enum class StmtKind : uint8_t {
    Text,
    Print,
    If,
    For,
    Set,
    SetBlock,
    Macro,
    CallBlock,
    FilterBlock,
    Break,
    Continue,
    Scope,
};

/// Base of every statement node.
struct Stmt {
    Stmt(StmtKind k, SourcePos p) : kind(k), pos(p) {}
    virtual ~Stmt() = default;
    StmtKind kind;
    SourcePos pos;
};
using StmtPtr = std::unique_ptr<Stmt>;
using Body = std::vector<StmtPtr>;

/// Literal template text.
struct TextStmt final : Stmt {
    TextStmt(SourcePos p, std::string t) : Stmt(StmtKind::Text, p), text(std::move(t)) {}
    std::string text;
};

/// `{{ expr }}`.
struct PrintStmt final : Stmt {
    PrintStmt(SourcePos p, ExprPtr e) : Stmt(StmtKind::Print, p), expr(std::move(e)) {}
    ExprPtr expr;
};

/// if / elif / else.
struct IfStmt final : Stmt {
    explicit IfStmt(SourcePos p) : Stmt(StmtKind::If, p) {}
    std::vector<std::pair<ExprPtr, Body>> branches;
    Body otherwise;
};

/// `for target in iterable [if filter]` ... [else] ... endfor.
struct ForStmt final : Stmt {
    explicit ForStmt(SourcePos p) : Stmt(StmtKind::For, p) {}
    Target target;
    ExprPtr iterable;
    ExprPtr filter;
    Body body;
    Body otherwise;
};

/// `set target = value`.
struct SetStmt final : Stmt {
    explicit SetStmt(SourcePos p) : Stmt(StmtKind::Set, p) {}
    Target target;
    ExprPtr value;
};

/// `set target [| filters] %}body{% endset`.
struct SetBlockStmt final : Stmt {
    explicit SetBlockStmt(SourcePos p) : Stmt(StmtKind::SetBlock, p) {}
    Target target;
    ExprPtr filter;  // a FilterExpr chain whose innermost input is null, or null
    Body body;
};

/// A macro parameter with its optional default.
struct Parameter {
    uint32_t id = 0;
    std::shared_ptr<const StringData> name;
    ExprPtr default_value;
};

/// `macro name(params)` ... endmacro; also the anonymous `caller` of a call block.
struct MacroStmt final : Stmt {
    explicit MacroStmt(SourcePos p) : Stmt(StmtKind::Macro, p) {}
    uint32_t id = 0;
    std::string name;
    std::vector<Parameter> params;
    Body body;
    bool catch_varargs = false;  // the body uses `varargs`
    bool catch_kwargs = false;   // the body uses `kwargs`
    bool has_caller = false;     // the body uses `caller`
};

/// `call(params) macro(args)` ... endcall.
struct CallBlockStmt final : Stmt {
    explicit CallBlockStmt(SourcePos p) : Stmt(StmtKind::CallBlock, p) {}
    ExprPtr call;                       // a CallExpr
    std::unique_ptr<MacroStmt> caller;  // the block body as the `caller` macro
};

/// `filter name(args) | ...` ... endfilter.
struct FilterBlockStmt final : Stmt {
    explicit FilterBlockStmt(SourcePos p) : Stmt(StmtKind::FilterBlock, p) {}
    ExprPtr filter;  // a FilterExpr chain whose innermost input is null
    Body body;
};

/// break / continue.
struct LoopControlStmt final : Stmt {
    LoopControlStmt(StmtKind k, SourcePos p) : Stmt(k, p) {}
};

/// A block rendered in place: the body of `{% generation %}`.
struct ScopeStmt final : Stmt {
    explicit ScopeStmt(SourcePos p) : Stmt(StmtKind::Scope, p) {}
    Body body;
};

}  // namespace vela::openai::jinja
