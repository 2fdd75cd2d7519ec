// The resolution pass run after parsing: binds filter and test names and the Python methods a
// getattr may name to their builtin implementations, and rejects unknown names where Jinja2 does.
#include "template/ast_walk.h"
#include "template/builtins.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

// Binds filters, tests and methods to builtins. `soft` is true inside an if statement or
// conditional expression of the current scope, where Jinja2 defers unknown-name errors to runtime.
class Resolver {
  public:
    void body(Body& stmts, bool soft) {
        for (auto& s : stmts)
            stmt(s.get(), soft);
    }

  private:
    void args(Arguments& a, bool soft) {
        for (auto& p : a.positional)
            expr(p.get(), soft);
        for (auto& k : a.keywords)
            expr(k.second.get(), soft);
        expr(a.star_args.get(), soft);
        expr(a.star_kwargs.get(), soft);
    }

    void expr(Expr* e, bool soft) {
        if (e == nullptr) return;
        switch (e->kind) {
            case ExprKind::GetAttr: {
                auto* g = static_cast<GetAttrExpr*>(e);
                const std::string_view name = g->name->text;
                g->str_method = find_str_method(name).fn;
                const MethodEntry list_entry = find_list_method(name);
                g->list_method = list_entry.fn;
                g->list_method_unsafe = list_entry.unsafe;
                const MethodEntry dict_entry = find_dict_method(name);
                g->dict_method = dict_entry.fn;
                g->dict_method_unsafe = dict_entry.unsafe;
                expr(g->object.get(), soft);
                return;
            }
            case ExprKind::Filter: {
                auto* f = static_cast<FilterExpr*>(e);
                f->fn = find_filter(f->name);
                if (f->fn == nullptr && !soft) {
                    throw TemplateError(TemplateErrorKind::Syntax, "No filter named '" + f->name + "'.",
                                        e->pos.line, e->pos.column);
                }
                expr(f->input.get(), soft);
                args(f->args, soft);
                return;
            }
            case ExprKind::Test: {
                auto* t = static_cast<TestExpr*>(e);
                t->fn = find_test(t->name);
                if (t->fn == nullptr && !soft) {
                    throw TemplateError(TemplateErrorKind::Syntax, "No test named '" + t->name + "'.",
                                        e->pos.line, e->pos.column);
                }
                expr(t->input.get(), soft);
                args(t->args, soft);
                return;
            }
            case ExprKind::CondExpr: {
                auto* c = static_cast<CondExpr*>(e);
                expr(c->test.get(), true);
                expr(c->then.get(), true);
                expr(c->otherwise.get(), true);
                return;
            }
            default:
                for_each_child(
                    e, [&](const Expr* child) { expr(const_cast<Expr*>(child), soft); },
                    [&](const Arguments& a) { args(const_cast<Arguments&>(a), soft); });
        }
    }

    void stmt(Stmt* s, bool soft) {
        switch (s->kind) {
            case StmtKind::If:
                for (auto& [test, branch] : static_cast<IfStmt*>(s)->branches) {
                    expr(test.get(), true);
                    body(branch, true);
                }
                body(static_cast<IfStmt*>(s)->otherwise, true);
                return;
            case StmtKind::For: {
                auto* f = static_cast<ForStmt*>(s);
                expr(f->iterable.get(), soft);
                expr(f->filter.get(), false);
                body(f->body, false);
                body(f->otherwise, false);
                return;
            }
            case StmtKind::Set:
                expr(static_cast<SetStmt*>(s)->value.get(), soft);
                return;
            case StmtKind::SetBlock:
                expr(static_cast<SetBlockStmt*>(s)->filter.get(), false);
                body(static_cast<SetBlockStmt*>(s)->body, false);
                return;
            case StmtKind::Macro:
                macro(static_cast<MacroStmt*>(s));
                return;
            case StmtKind::CallBlock: {
                auto* c = static_cast<CallBlockStmt*>(s);
                expr(c->call.get(), soft);
                macro(c->caller.get());
                return;
            }
            case StmtKind::FilterBlock:
                expr(static_cast<FilterBlockStmt*>(s)->filter.get(), false);
                body(static_cast<FilterBlockStmt*>(s)->body, false);
                return;
            case StmtKind::Print:
                expr(static_cast<PrintStmt*>(s)->expr.get(), soft);
                return;
            case StmtKind::Scope:
                body(static_cast<ScopeStmt*>(s)->body, false);
                return;
            case StmtKind::Text:
            case StmtKind::Break:
            case StmtKind::Continue:
                return;
        }
    }

    void macro(MacroStmt* m) {
        for (auto& p : m->params)
            expr(p.default_value.get(), false);
        body(m->body, false);
    }
};

}  // namespace

void resolve_builtins(Body& body) {
    Resolver().body(body, false);
}

}  // namespace vela::openai::jinja
