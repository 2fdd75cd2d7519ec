// Recursive-descent parser for Jinja templates, one method per grammar rule of Jinja2's parser. It
// stays one class in one file (a little over the usual size) because the rules call each other and
// read best side by side, as Jinja2's parser.py does.
#include "template/parser.h"

#include <functional>
#include <initializer_list>

#include "template/ast_walk.h"
#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

uint32_t NameTable::intern(std::string_view name) {
    const auto it = ids_.find(std::string(name));
    if (it != ids_.end()) return it->second;
    const auto id = static_cast<uint32_t>(names_.size());
    names_.emplace_back(name);
    ids_.emplace(std::string(name), id);
    return id;
}

int64_t NameTable::find(std::string_view name) const {
    const auto it = ids_.find(std::string(name));
    return it == ids_.end() ? -1 : static_cast<int64_t>(it->second);
}

namespace {

std::shared_ptr<const StringData> make_name(std::string_view text) {
    return std::make_shared<const StringData>(std::string(text));
}

const char* describe(const Token& token) {
    switch (token.type) {
        case TokenType::Data:
            return "template data";
        case TokenType::VariableBegin:
            return "begin of print statement";
        case TokenType::VariableEnd:
            return "end of print statement";
        case TokenType::BlockBegin:
            return "begin of statement block";
        case TokenType::BlockEnd:
            return "end of statement block";
        case TokenType::Name:
            return "name";
        case TokenType::String:
            return "string";
        case TokenType::Integer:
            return "integer";
        case TokenType::Float:
            return "float";
        case TokenType::Operator:
            return "operator";
        case TokenType::End:
            return "end of template";
    }
    return "token";
}

// Jinja2 itself gives up near 100 nested blocks or parentheses (Python's recursion and indentation
// limits); vela refuses deeper nesting too, so hostile templates cannot exhaust the stack.
constexpr int kMaxBlockNesting = 100;
constexpr int kMaxExpressionNesting = 300;  // parser frames; about 100 levels of parentheses

class Parser {
  public:
    explicit Parser(std::vector<Token> tokens) : tokens_(std::move(tokens)) {}

    ParsedTemplate run() {
        ParsedTemplate result;
        result.body = subparse({});
        if (current().type != TokenType::End) fail("unexpected " + token_text(current()));
        result.names = std::move(names_);
        return result;
    }

  private:
    // ---- token stream ----
    const Token& current() const { return tokens_[pos_]; }
    const Token& look() const { return tokens_[pos_ + 1 < tokens_.size() ? pos_ + 1 : tokens_.size() - 1]; }
    const Token& next() {
        const Token& token = tokens_[pos_];
        if (pos_ + 1 < tokens_.size()) ++pos_;
        return token;
    }
    SourcePos here() const { return {current().line, current().column}; }

    bool is_op(const Token& token, std::string_view op) const {
        return token.type == TokenType::Operator && token.text == op;
    }
    bool is_name(const Token& token, std::string_view name) const {
        return token.type == TokenType::Name && token.text == name;
    }
    bool skip_op(std::string_view op) {
        if (!is_op(current(), op)) return false;
        next();
        return true;
    }
    bool skip_name(std::string_view name) {
        if (!is_name(current(), name)) return false;
        next();
        return true;
    }

    static std::string token_text(const Token& token) {
        switch (token.type) {
            case TokenType::Name:
            case TokenType::Operator:
            case TokenType::Integer:
            case TokenType::Float:
                return "'" + token.text + "'";
            case TokenType::String:
                return "string " + py_repr_string(token.text);
            default:
                return describe(token);
        }
    }

    [[noreturn]] void fail(const std::string& message) const {
        throw TemplateError(TemplateErrorKind::Syntax, message, current().line, current().column);
    }
    [[noreturn]] void fail_at(const std::string& message, SourcePos pos) const {
        throw TemplateError(TemplateErrorKind::Syntax, message, pos.line, pos.column);
    }

    void expect_op(std::string_view op) {
        if (!skip_op(op)) {
            fail("expected '" + std::string(op) + "', got " + token_text(current()));
        }
    }
    const Token& expect_name() {
        if (current().type != TokenType::Name) {
            fail("expected name, got " + token_text(current()));
        }
        return next();
    }
    void expect_type(TokenType type) {
        if (current().type != type) {
            Token want;
            want.type = type;
            fail(std::string("expected ") + describe(want) + ", got " + token_text(current()));
        }
        next();
    }

    // ---- statements ----

    // Parses statements until a block tag whose name is in `end_tags` (left unconsumed, with
    // pos_ on that name) or the end of the template.
    Body subparse(std::initializer_list<std::string_view> end_tags) {
        Body body;
        while (current().type != TokenType::End) {
            const Token& token = current();
            if (token.type == TokenType::Data) {
                body.push_back(std::make_unique<TextStmt>(SourcePos{token.line, token.column}, token.text));
                next();
            } else if (token.type == TokenType::VariableBegin) {
                const SourcePos pos = here();
                next();
                auto expr = parse_tuple(true, false, {});
                expect_type(TokenType::VariableEnd);
                body.push_back(std::make_unique<PrintStmt>(pos, std::move(expr)));
            } else if (token.type == TokenType::BlockBegin) {
                next();
                if (current().type == TokenType::Name) {
                    for (std::string_view tag : end_tags) {
                        if (current().text == tag) return body;
                    }
                }
                parse_statement(body);
            } else {
                fail("unexpected " + token_text(token));
            }
        }
        return body;
    }

    // Parses `%}` body `{% end` for a block statement; leaves pos_ on the end tag name.
    Body parse_block_body(std::string_view opener, std::initializer_list<std::string_view> end_tags,
                          SourcePos opened_at) {
        skip_op(":");
        expect_type(TokenType::BlockEnd);
        Body body = subparse(end_tags);
        if (current().type == TokenType::End) {
            std::string wanted;
            for (std::string_view tag : end_tags) {
                if (!wanted.empty()) wanted += " or ";
                wanted += "'" + std::string(tag) + "'";
            }
            fail_at("unexpected end of template: the '" + std::string(opener) + "' block opened at line " +
                        std::to_string(opened_at.line) + " was never closed (looking for " + wanted + ")",
                    {current().line, current().column});
        }
        return body;
    }

    // Consumes the end tag name at pos_ and the closing `%}`.
    void finish_block() {
        next();
        expect_type(TokenType::BlockEnd);
    }

    // Counts nesting while alive; throws when `depth` passes `limit`.
    class NestingGuard {
      public:
        NestingGuard(const Parser& parser, int& depth, int limit, const char* what) : depth_(depth) {
            if (++depth_ > limit) {
                --depth_;
                parser.fail(std::string(what) + " nest more than " + std::to_string(limit) +
                            " levels deep; vela refuses templates nested this deeply");
            }
        }
        ~NestingGuard() { --depth_; }
        NestingGuard(const NestingGuard&) = delete;
        NestingGuard& operator=(const NestingGuard&) = delete;

      private:
        int& depth_;
    };

    void parse_statement(Body& body) {
        NestingGuard guard(*this, block_depth_, kMaxBlockNesting, "blocks");
        const Token& token = current();
        if (token.type != TokenType::Name) fail("tag name expected, got " + token_text(token));
        const SourcePos pos = here();
        const std::string tag = token.text;
        if (tag == "if") {
            body.push_back(parse_if());
        } else if (tag == "for") {
            body.push_back(parse_for());
        } else if (tag == "set") {
            body.push_back(parse_set());
        } else if (tag == "macro") {
            body.push_back(parse_macro());
        } else if (tag == "call") {
            body.push_back(parse_call_block());
        } else if (tag == "filter") {
            body.push_back(parse_filter_block());
        } else if (tag == "print") {
            next();
            auto expr = parse_tuple(true, false, {});
            expect_type(TokenType::BlockEnd);
            body.push_back(std::make_unique<PrintStmt>(pos, std::move(expr)));
        } else if (tag == "break" || tag == "continue") {
            next();
            expect_type(TokenType::BlockEnd);
            body.push_back(std::make_unique<LoopControlStmt>(
                tag == "break" ? StmtKind::Break : StmtKind::Continue, pos));
        } else if (tag == "generation") {
            next();
            auto scope = std::make_unique<ScopeStmt>(pos);
            scope->body = parse_block_body("generation", {"endgeneration"}, pos);
            finish_block();
            body.push_back(std::move(scope));
        } else {
            fail("Encountered unknown tag '" + tag +
                 "'. vela's Jinja engine supports if, for, set, "
                 "macro, call, filter, print, break, continue, raw and generation");
        }
    }

    StmtPtr parse_if() {
        auto node = std::make_unique<IfStmt>(here());
        const SourcePos opened = here();
        next();
        while (true) {
            auto test = parse_tuple(false, false, {});
            Body branch = parse_block_body("if", {"elif", "else", "endif"}, opened);
            node->branches.emplace_back(std::move(test), std::move(branch));
            if (current().text == "elif") {
                next();
                continue;
            }
            if (current().text == "else") {
                next();
                node->otherwise = parse_block_body("if", {"endif"}, opened);
            }
            finish_block();
            return node;
        }
    }

    StmtPtr parse_for() {
        auto node = std::make_unique<ForStmt>(here());
        const SourcePos opened = here();
        next();
        node->target = parse_assign_target(true, {"in"});
        if (!skip_name("in")) fail("expected 'in', got " + token_text(current()));
        node->iterable = parse_tuple(false, false, {"recursive"});
        if (skip_name("if")) node->filter = parse_expression(true);
        if (is_name(current(), "recursive")) {
            fail("recursive for loops are not supported by vela's Jinja engine");
        }
        node->body = parse_block_body("for", {"endfor", "else"}, opened);
        if (current().text == "else") {
            next();
            node->otherwise = parse_block_body("for", {"endfor"}, opened);
        }
        finish_block();
        return node;
    }

    StmtPtr parse_set() {
        const SourcePos pos = here();
        const SourcePos opened = here();
        next();
        Target target = parse_assign_target(true, {}, true);
        if (skip_op("=")) {
            auto node = std::make_unique<SetStmt>(pos);
            node->target = std::move(target);
            node->value = parse_tuple(true, false, {});
            expect_type(TokenType::BlockEnd);
            return node;
        }
        auto node = std::make_unique<SetBlockStmt>(pos);
        node->target = std::move(target);
        if (is_op(current(), "|")) node->filter = parse_filter(nullptr, false);
        node->body = parse_block_body("set", {"endset"}, opened);
        finish_block();
        return node;
    }

    std::vector<Parameter> parse_signature() {
        std::vector<Parameter> params;
        expect_op("(");
        while (!is_op(current(), ")")) {
            if (!params.empty()) expect_op(",");
            if (is_op(current(), ")")) break;
            const Token& name = expect_name();
            Parameter param;
            param.id = names_.intern(name.text);
            param.name = make_name(name.text);
            if (skip_op("=")) {
                param.default_value = parse_expression(true);
            } else if (!params.empty() && params.back().default_value) {
                fail("non-default argument follows default argument");
            }
            params.push_back(std::move(param));
        }
        next();
        return params;
    }

    void mark_macro_uses(MacroStmt& macro) {
        const auto varargs = names_.find("varargs");
        const auto kwargs = names_.find("kwargs");
        const auto caller = names_.find("caller");
        std::function<void(const Expr*)> visit_expr;
        std::function<void(const Body&)> visit_body;
        auto visit_args = [&](const Arguments& args) {
            for (const auto& a : args.positional)
                visit_expr(a.get());
            for (const auto& k : args.keywords)
                visit_expr(k.second.get());
            visit_expr(args.star_args.get());
            visit_expr(args.star_kwargs.get());
        };
        visit_expr = [&](const Expr* e) {
            if (e == nullptr) return;
            switch (e->kind) {
                case ExprKind::Name: {
                    const auto id = static_cast<const NameExpr*>(e)->id;
                    if (id == varargs) macro.catch_varargs = true;
                    if (id == kwargs) macro.catch_kwargs = true;
                    if (id == caller) macro.has_caller = true;
                    return;
                }
                default:
                    for_each_child(e, visit_expr, visit_args);
            }
        };
        visit_body = [&](const Body& body) {
            for (const auto& s : body)
                for_each_stmt_child(s.get(), visit_expr, visit_body, visit_args);
        };
        visit_body(macro.body);
        for (const auto& p : macro.params)
            visit_expr(p.default_value.get());
    }

    StmtPtr parse_macro() {
        auto node = std::make_unique<MacroStmt>(here());
        const SourcePos opened = here();
        next();
        const Token& name = expect_name();
        node->name = name.text;
        node->id = names_.intern(name.text);
        node->params = parse_signature();
        node->body = parse_block_body("macro", {"endmacro"}, opened);
        finish_block();
        mark_macro_uses(*node);
        return node;
    }

    StmtPtr parse_call_block() {
        auto node = std::make_unique<CallBlockStmt>(here());
        const SourcePos opened = here();
        next();
        auto caller = std::make_unique<MacroStmt>(opened);
        caller->name = "caller";
        caller->id = names_.intern("caller");
        if (is_op(current(), "(")) caller->params = parse_signature();
        node->call = parse_expression(true);
        if (node->call->kind != ExprKind::Call) fail_at("expected call", node->call->pos);
        caller->body = parse_block_body("call", {"endcall"}, opened);
        finish_block();
        mark_macro_uses(*caller);
        node->caller = std::move(caller);
        return node;
    }

    StmtPtr parse_filter_block() {
        auto node = std::make_unique<FilterBlockStmt>(here());
        const SourcePos opened = here();
        next();
        node->filter = parse_filter(nullptr, true);
        node->body = parse_block_body("filter", {"endfilter"}, opened);
        finish_block();
        return node;
    }

    Target parse_assign_target(bool with_tuple, std::initializer_list<std::string_view> extra_end,
                               bool with_namespace = false) {
        if (with_namespace && current().type == TokenType::Name && is_op(look(), ".")) {
            Target target;
            target.kind = Target::Kind::Attribute;
            target.pos = here();
            const Token& name = next();
            target.id = names_.intern(name.text);
            target.name = make_name(name.text);
            next();
            target.attr = make_name(expect_name().text);
            return target;
        }
        Target target = with_tuple ? parse_target_tuple(extra_end) : parse_target_primary();
        return target;
    }

    Target parse_target_primary() {
        Target target;
        target.pos = here();
        if (current().type == TokenType::Name) {
            const std::string& name = current().text;
            if (name == "true" || name == "false" || name == "none" || name == "True" || name == "False" ||
                name == "None") {
                fail("can't assign to " + name);
            }
            target.kind = Target::Kind::Name;
            target.id = names_.intern(name);
            target.name = make_name(name);
            next();
            return target;
        }
        if (skip_op("(")) {
            target = parse_target_tuple({}, true);
            expect_op(")");
            return target;
        }
        fail("can't assign to " + token_text(current()));
    }

    Target parse_target_tuple(std::initializer_list<std::string_view> extra_end,
                              bool explicit_parentheses = false) {
        Target tuple;
        tuple.kind = Target::Kind::Tuple;
        tuple.pos = here();
        bool is_tuple = false;
        while (true) {
            if (!tuple.items.empty()) expect_op(",");
            if (is_tuple_end(extra_end)) break;
            tuple.items.push_back(parse_target_primary());
            if (is_op(current(), ",")) {
                is_tuple = true;
            } else {
                break;
            }
        }
        if (!is_tuple) {
            if (!tuple.items.empty()) return std::move(tuple.items[0]);
            if (!explicit_parentheses) fail("expected an assignment target, got " + token_text(current()));
        }
        return tuple;
    }

    // ---- expressions ----

    bool is_tuple_end(std::initializer_list<std::string_view> extra_end) const {
        const Token& token = current();
        if (token.type == TokenType::VariableEnd || token.type == TokenType::BlockEnd || is_op(token, ")")) {
            return true;
        }
        for (std::string_view name : extra_end) {
            if (is_name(token, name)) return true;
        }
        return false;
    }

    ExprPtr parse_tuple(bool with_condexpr, bool explicit_parentheses,
                        std::initializer_list<std::string_view> extra_end) {
        const SourcePos pos = here();
        std::vector<ExprPtr> items;
        bool is_tuple = false;
        while (true) {
            if (!items.empty()) expect_op(",");
            if (is_tuple_end(extra_end)) break;
            items.push_back(parse_expression(with_condexpr));
            if (is_op(current(), ",")) {
                is_tuple = true;
            } else {
                break;
            }
        }
        if (!is_tuple) {
            if (!items.empty()) return std::move(items[0]);
            if (!explicit_parentheses) fail("expected an expression, got " + token_text(current()));
        }
        auto tuple = std::make_unique<SequenceExpr>(ExprKind::Tuple, pos);
        tuple->items = std::move(items);
        return tuple;
    }

    ExprPtr parse_expression(bool with_condexpr) {
        NestingGuard guard(*this, expression_depth_, kMaxExpressionNesting, "expressions");
        return with_condexpr ? parse_condexpr() : parse_or();
    }

    ExprPtr parse_condexpr() {
        const SourcePos pos = here();
        ExprPtr expr = parse_or();
        while (skip_name("if")) {
            ExprPtr test = parse_or();
            ExprPtr otherwise = skip_name("else") ? parse_condexpr() : nullptr;
            expr = std::make_unique<CondExpr>(pos, std::move(test), std::move(expr), std::move(otherwise));
        }
        return expr;
    }

    ExprPtr parse_or() {
        const SourcePos pos = here();
        ExprPtr left = parse_and();
        while (skip_name("or")) {
            left =
                std::make_unique<BinaryExpr>(ExprKind::Or, pos, BinaryOp::Add, std::move(left), parse_and());
        }
        return left;
    }

    ExprPtr parse_and() {
        const SourcePos pos = here();
        ExprPtr left = parse_not();
        while (skip_name("and")) {
            left =
                std::make_unique<BinaryExpr>(ExprKind::And, pos, BinaryOp::Add, std::move(left), parse_not());
        }
        return left;
    }

    ExprPtr parse_not() {
        NestingGuard guard(*this, expression_depth_, kMaxExpressionNesting, "expressions");
        const SourcePos pos = here();
        if (skip_name("not")) return std::make_unique<UnaryExpr>(ExprKind::Not, pos, parse_not());
        return parse_compare();
    }

    ExprPtr parse_compare() {
        const SourcePos pos = here();
        ExprPtr first = parse_math1();
        std::unique_ptr<CompareExpr> compare;
        auto add = [&](CompareOp op, ExprPtr operand) {
            if (!compare) compare = std::make_unique<CompareExpr>(pos, std::move(first));
            compare->rest.emplace_back(op, std::move(operand));
        };
        static const std::pair<std::string_view, CompareOp> kOps[] = {
            {"==", CompareOp::Eq}, {"!=", CompareOp::Ne}, {"<", CompareOp::Lt},
            {"<=", CompareOp::Le}, {">", CompareOp::Gt},  {">=", CompareOp::Ge}};
        while (true) {
            bool matched = false;
            for (const auto& [symbol, op] : kOps) {
                if (is_op(current(), symbol)) {
                    next();
                    add(op, parse_math1());
                    matched = true;
                    break;
                }
            }
            if (matched) continue;
            if (skip_name("in")) {
                add(CompareOp::In, parse_math1());
            } else if (is_name(current(), "not") && is_name(look(), "in")) {
                next();
                next();
                add(CompareOp::NotIn, parse_math1());
            } else {
                break;
            }
        }
        if (compare) return compare;
        return first;
    }

    ExprPtr parse_math1() {
        const SourcePos pos = here();
        ExprPtr left = parse_concat();
        while (is_op(current(), "+") || is_op(current(), "-")) {
            const BinaryOp op = next().text == "+" ? BinaryOp::Add : BinaryOp::Sub;
            left = std::make_unique<BinaryExpr>(ExprKind::Binary, pos, op, std::move(left), parse_concat());
        }
        return left;
    }

    ExprPtr parse_concat() {
        const SourcePos pos = here();
        ExprPtr first = parse_math2();
        if (!is_op(current(), "~")) return first;
        auto concat = std::make_unique<ConcatExpr>(pos);
        concat->parts.push_back(std::move(first));
        while (skip_op("~"))
            concat->parts.push_back(parse_math2());
        return concat;
    }

    ExprPtr parse_math2() {
        const SourcePos pos = here();
        ExprPtr left = parse_pow();
        static const std::pair<std::string_view, BinaryOp> kOps[] = {
            {"*", BinaryOp::Mul}, {"/", BinaryOp::Div}, {"//", BinaryOp::FloorDiv}, {"%", BinaryOp::Mod}};
        while (true) {
            bool matched = false;
            for (const auto& [symbol, op] : kOps) {
                if (is_op(current(), symbol)) {
                    next();
                    left =
                        std::make_unique<BinaryExpr>(ExprKind::Binary, pos, op, std::move(left), parse_pow());
                    matched = true;
                    break;
                }
            }
            if (!matched) return left;
        }
    }

    ExprPtr parse_pow() {
        const SourcePos pos = here();
        ExprPtr left = parse_unary(true);
        while (skip_op("**")) {
            left = std::make_unique<BinaryExpr>(ExprKind::Binary, pos, BinaryOp::Pow, std::move(left),
                                                parse_unary(true));
        }
        return left;
    }

    ExprPtr parse_unary(bool with_filter) {
        NestingGuard guard(*this, expression_depth_, kMaxExpressionNesting, "expressions");
        const SourcePos pos = here();
        ExprPtr node;
        if (skip_op("-")) {
            node = std::make_unique<UnaryExpr>(ExprKind::Neg, pos, parse_unary(false));
        } else if (skip_op("+")) {
            node = std::make_unique<UnaryExpr>(ExprKind::Pos, pos, parse_unary(false));
        } else {
            node = parse_primary();
        }
        node = parse_postfix(std::move(node));
        if (with_filter) node = parse_filter_expr(std::move(node));
        return node;
    }

    ExprPtr parse_primary() {
        const Token& token = current();
        const SourcePos pos = here();
        switch (token.type) {
            case TokenType::Name: {
                next();
                const std::string& name = token.text;
                if (name == "true" || name == "True") {
                    return std::make_unique<LiteralExpr>(pos, Value::boolean(true));
                }
                if (name == "false" || name == "False") {
                    return std::make_unique<LiteralExpr>(pos, Value::boolean(false));
                }
                if (name == "none" || name == "None") {
                    return std::make_unique<LiteralExpr>(pos, Value::none());
                }
                return std::make_unique<NameExpr>(pos, names_.intern(name), make_name(name));
            }
            case TokenType::String: {
                std::string text = next().text;
                while (current().type == TokenType::String)
                    text += next().text;
                return std::make_unique<LiteralExpr>(pos, Value::string(std::move(text)));
            }
            case TokenType::Integer:
                return std::make_unique<LiteralExpr>(pos, Value::integer(next().int_value));
            case TokenType::Float:
                return std::make_unique<LiteralExpr>(pos, Value::floating(next().float_value));
            case TokenType::Operator:
                if (token.text == "(") {
                    next();
                    ExprPtr expr = parse_tuple(true, true, {});
                    expect_op(")");
                    return expr;
                }
                if (token.text == "[") return parse_list();
                if (token.text == "{") return parse_dict();
                break;
            default:
                break;
        }
        fail("unexpected " + token_text(token));
    }

    ExprPtr parse_list() {
        auto list = std::make_unique<SequenceExpr>(ExprKind::List, here());
        expect_op("[");
        while (!is_op(current(), "]")) {
            if (!list->items.empty()) expect_op(",");
            if (is_op(current(), "]")) break;
            list->items.push_back(parse_expression(true));
        }
        expect_op("]");
        return list;
    }

    ExprPtr parse_dict() {
        auto dict = std::make_unique<DictExpr>(here());
        expect_op("{");
        while (!is_op(current(), "}")) {
            if (!dict->items.empty()) expect_op(",");
            if (is_op(current(), "}")) break;
            ExprPtr key = parse_expression(true);
            expect_op(":");
            dict->items.emplace_back(std::move(key), parse_expression(true));
        }
        expect_op("}");
        return dict;
    }

    ExprPtr parse_postfix(ExprPtr node) {
        while (true) {
            if (is_op(current(), ".") || is_op(current(), "[")) {
                node = parse_subscript(std::move(node));
            } else if (is_op(current(), "(")) {
                node = parse_call(std::move(node));
            } else {
                return node;
            }
        }
    }

    ExprPtr parse_filter_expr(ExprPtr node) {
        while (true) {
            if (is_op(current(), "|")) {
                node = parse_filter(std::move(node), false);
            } else if (is_name(current(), "is")) {
                node = parse_test(std::move(node));
            } else if (is_op(current(), "(")) {
                node = parse_call(std::move(node));
            } else {
                return node;
            }
        }
    }

    ExprPtr parse_subscript(ExprPtr node) {
        const SourcePos pos = node->pos;
        if (skip_op(".")) {
            const Token& token = current();
            if (token.type == TokenType::Name) {
                next();
                auto attr = std::make_unique<GetAttrExpr>(pos, std::move(node), make_name(token.text));
                return attr;
            }
            if (token.type == TokenType::Integer) {
                next();
                return std::make_unique<GetItemExpr>(
                    pos, std::move(node),
                    std::make_unique<LiteralExpr>(pos, Value::integer(token.int_value)));
            }
            fail("expected name or number, got " + token_text(token));
        }
        expect_op("[");
        std::vector<ExprPtr> args;
        while (!is_op(current(), "]")) {
            if (!args.empty()) {
                expect_op(",");
                if (is_op(current(), "]")) break;
            }
            args.push_back(parse_subscribed());
        }
        expect_op("]");
        if (args.empty()) fail_at("expected a subscript", pos);
        ExprPtr index;
        if (args.size() == 1) {
            index = std::move(args[0]);
        } else {
            auto tuple = std::make_unique<SequenceExpr>(ExprKind::Tuple, pos);
            tuple->items = std::move(args);
            index = std::move(tuple);
        }
        return std::make_unique<GetItemExpr>(pos, std::move(node), std::move(index));
    }

    ExprPtr parse_subscribed() {
        const SourcePos pos = here();
        auto slice = std::make_unique<SliceExpr>(pos);
        if (!skip_op(":")) {
            ExprPtr node = parse_expression(true);
            if (!skip_op(":")) return node;
            slice->start = std::move(node);
        }
        auto at_end = [&] { return is_op(current(), "]") || is_op(current(), ","); };
        if (!is_op(current(), ":") && !at_end()) slice->stop = parse_expression(true);
        if (skip_op(":")) {
            if (!at_end()) slice->step = parse_expression(true);
        }
        return slice;
    }

    Arguments parse_call_args() {
        Arguments args;
        expect_op("(");
        bool first = true;
        while (!is_op(current(), ")")) {
            if (!first) {
                expect_op(",");
                if (is_op(current(), ")")) break;
            }
            first = false;
            if (skip_op("*")) {
                args.star_args = parse_expression(true);
            } else if (skip_op("**")) {
                args.star_kwargs = parse_expression(true);
            } else if (current().type == TokenType::Name && is_op(look(), "=")) {
                if (args.star_kwargs) fail("invalid syntax for function call expression");
                std::string key = next().text;
                next();
                args.keywords.emplace_back(std::move(key), parse_expression(true));
            } else {
                if (args.star_args || args.star_kwargs || !args.keywords.empty()) {
                    fail(
                        "invalid syntax for function call expression: positional argument "
                        "follows keyword argument");
                }
                args.positional.push_back(parse_expression(true));
            }
        }
        next();
        return args;
    }

    ExprPtr parse_call(ExprPtr node) {
        const SourcePos pos = node->pos;
        auto call = std::make_unique<CallExpr>(pos, std::move(node));
        call->args = parse_call_args();
        return call;
    }

    std::string parse_dotted_name() {
        std::string name = expect_name().text;
        while (is_op(current(), ".") && look().type == TokenType::Name) {
            next();
            name += "." + next().text;
        }
        return name;
    }

    ExprPtr parse_filter(ExprPtr node, bool start_inline) {
        while (is_op(current(), "|") || start_inline) {
            if (!start_inline) next();
            start_inline = false;
            const SourcePos pos = here();
            auto filter = std::make_unique<FilterExpr>(pos, std::move(node), parse_dotted_name());
            if (is_op(current(), "(")) filter->args = parse_call_args();
            node = std::move(filter);
        }
        return node;
    }

    ExprPtr parse_test(ExprPtr node) {
        const SourcePos pos = here();
        next();  // 'is'
        const bool negated = skip_name("not");
        auto test = std::make_unique<TestExpr>(pos, std::move(node), parse_dotted_name());
        const Token& token = current();
        if (is_op(token, "(")) {
            test->args = parse_call_args();
        } else if ((token.type == TokenType::Name || token.type == TokenType::String ||
                    token.type == TokenType::Integer || token.type == TokenType::Float || is_op(token, "[") ||
                    is_op(token, "{")) &&
                   !is_name(token, "else") && !is_name(token, "or") && !is_name(token, "and")) {
            if (is_name(token, "is")) fail("You cannot chain multiple tests with is");
            test->args.positional.push_back(parse_postfix(parse_primary()));
        }
        if (negated) return std::make_unique<UnaryExpr>(ExprKind::Not, pos, std::move(test));
        return test;
    }

  private:
    std::vector<Token> tokens_;
    int block_depth_ = 0;
    int expression_depth_ = 0;
    size_t pos_ = 0;
    NameTable names_;
};

}  // namespace

ParsedTemplate parse_template(std::vector<Token> tokens) {
    ParsedTemplate parsed = Parser(std::move(tokens)).run();
    resolve_builtins(parsed.body);
    return parsed;
}

}  // namespace vela::openai::jinja
