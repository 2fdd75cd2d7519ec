// Generic traversal of the syntax tree: the children of each node kind in one place, so analysis
// passes (macro argument discovery, builtin resolution) do not repeat the node layout.
#include "template/ast_walk.h"

namespace vela::openai::jinja {

void for_each_child(const Expr* e, const std::function<void(const Expr*)>& visit,
                    const std::function<void(const Arguments&)>& visit_args) {
    switch (e->kind) {
        case ExprKind::Literal:
        case ExprKind::Name:
            return;
        case ExprKind::List:
        case ExprKind::Tuple:
            for (const auto& item : static_cast<const SequenceExpr*>(e)->items)
                visit(item.get());
            return;
        case ExprKind::Dict:
            for (const auto& [k, v] : static_cast<const DictExpr*>(e)->items) {
                visit(k.get());
                visit(v.get());
            }
            return;
        case ExprKind::GetAttr:
            visit(static_cast<const GetAttrExpr*>(e)->object.get());
            return;
        case ExprKind::GetItem:
            visit(static_cast<const GetItemExpr*>(e)->object.get());
            visit(static_cast<const GetItemExpr*>(e)->index.get());
            return;
        case ExprKind::Slice: {
            const auto* s = static_cast<const SliceExpr*>(e);
            visit(s->start.get());
            visit(s->stop.get());
            visit(s->step.get());
            return;
        }
        case ExprKind::Call:
            visit(static_cast<const CallExpr*>(e)->callee.get());
            visit_args(static_cast<const CallExpr*>(e)->args);
            return;
        case ExprKind::Filter:
            visit(static_cast<const FilterExpr*>(e)->input.get());
            visit_args(static_cast<const FilterExpr*>(e)->args);
            return;
        case ExprKind::Test:
            visit(static_cast<const TestExpr*>(e)->input.get());
            visit_args(static_cast<const TestExpr*>(e)->args);
            return;
        case ExprKind::Not:
        case ExprKind::Neg:
        case ExprKind::Pos:
            visit(static_cast<const UnaryExpr*>(e)->operand.get());
            return;
        case ExprKind::Binary:
        case ExprKind::And:
        case ExprKind::Or:
            visit(static_cast<const BinaryExpr*>(e)->left.get());
            visit(static_cast<const BinaryExpr*>(e)->right.get());
            return;
        case ExprKind::Concat:
            for (const auto& part : static_cast<const ConcatExpr*>(e)->parts)
                visit(part.get());
            return;
        case ExprKind::Compare:
            visit(static_cast<const CompareExpr*>(e)->first.get());
            for (const auto& [op, operand] : static_cast<const CompareExpr*>(e)->rest) {
                visit(operand.get());
            }
            return;
        case ExprKind::CondExpr: {
            const auto* c = static_cast<const CondExpr*>(e);
            visit(c->test.get());
            visit(c->then.get());
            visit(c->otherwise.get());
            return;
        }
    }
}

// Calls the visitors on the expressions and bodies directly inside statement `s`.
void for_each_stmt_child(const Stmt* s, const std::function<void(const Expr*)>& visit,
                         const std::function<void(const Body&)>& visit_body,
                         const std::function<void(const Arguments&)>& visit_args) {
    (void)visit_args;
    switch (s->kind) {
        case StmtKind::Text:
        case StmtKind::Break:
        case StmtKind::Continue:
            return;
        case StmtKind::Print:
            visit(static_cast<const PrintStmt*>(s)->expr.get());
            return;
        case StmtKind::If:
            for (const auto& [test, body] : static_cast<const IfStmt*>(s)->branches) {
                visit(test.get());
                visit_body(body);
            }
            visit_body(static_cast<const IfStmt*>(s)->otherwise);
            return;
        case StmtKind::For: {
            const auto* f = static_cast<const ForStmt*>(s);
            visit(f->iterable.get());
            visit(f->filter.get());
            visit_body(f->body);
            visit_body(f->otherwise);
            return;
        }
        case StmtKind::Set:
            visit(static_cast<const SetStmt*>(s)->value.get());
            return;
        case StmtKind::SetBlock:
            visit(static_cast<const SetBlockStmt*>(s)->filter.get());
            visit_body(static_cast<const SetBlockStmt*>(s)->body);
            return;
        case StmtKind::Macro: {
            const auto* m = static_cast<const MacroStmt*>(s);
            for (const auto& p : m->params)
                visit(p.default_value.get());
            visit_body(m->body);
            return;
        }
        case StmtKind::CallBlock: {
            const auto* c = static_cast<const CallBlockStmt*>(s);
            visit(c->call.get());
            for (const auto& p : c->caller->params)
                visit(p.default_value.get());
            visit_body(c->caller->body);
            return;
        }
        case StmtKind::FilterBlock:
            visit(static_cast<const FilterBlockStmt*>(s)->filter.get());
            visit_body(static_cast<const FilterBlockStmt*>(s)->body);
            return;
        case StmtKind::Scope:
            visit_body(static_cast<const ScopeStmt*>(s)->body);
            return;
    }
}

}  // namespace vela::openai::jinja
