// Bound methods, macros and loop contexts.
#include "template/runtime_objects.h"

#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

// A Python method bound to its receiver (`'a b'.split` evaluated without calling it).
class BoundMethod final : public CallableData {
  public:
    BoundMethod(Value self, MethodFn fn, std::shared_ptr<const StringData> name)
        : self_(std::move(self)), fn_(fn), name_(std::move(name)) {}
    Value call(Interpreter& interpreter, CallArgs& args) const override {
        return fn_(interpreter, self_, args);
    }
    std::string repr() const override {
        return "<built-in method " + name_->text + " of " + std::string(py_type_name(self_)) + " object>";
    }

  private:
    Value self_;
    MethodFn fn_;
    std::shared_ptr<const StringData> name_;
};

// A macro closed over the scope it was defined in.
class MacroCallable final : public CallableData {
  public:
    MacroCallable(const MacroStmt& macro, std::shared_ptr<Scope> closure)
        : macro_(macro), closure_(std::move(closure)) {}
    Value call(Interpreter& interpreter, CallArgs& args) const override {
        return interpreter.call_macro(macro_, closure_, args);
    }
    std::string repr() const override { return "<Macro '" + macro_.name + "'>"; }

  private:
    const MacroStmt& macro_;
    std::shared_ptr<Scope> closure_;
};

std::shared_ptr<const StringData> name_data(std::string_view name) {
    return std::make_shared<const StringData>(std::string(name));
}

}  // namespace

Value make_bound_method(Value self, MethodFn fn, std::shared_ptr<const StringData> name) {
    return Value::callable(std::make_shared<const BoundMethod>(std::move(self), fn, std::move(name)));
}

Value make_macro(const MacroStmt& macro, std::shared_ptr<Scope> closure) {
    return Value::callable(std::make_shared<const MacroCallable>(macro, std::move(closure)));
}

// loop.cycle(...) and loop.changed(...).
class LoopObject::LoopMethod final : public CallableData {
  public:
    LoopMethod(std::shared_ptr<LoopObject> loop, bool cycle) : loop_(std::move(loop)), cycle_(cycle) {}
    Value call(Interpreter&, CallArgs& args) const override {
        if (cycle_) {
            if (args.positional.empty()) throw_type_error("no items for cycling given");
            const auto n = static_cast<int64_t>(args.positional.size());
            return args.positional[static_cast<size_t>(loop_->index0_ % n)];
        }
        Value current = Value::list(args.positional, ListKind::Tuple);
        if (loop_->has_last_changed_ && py_equal(loop_->last_changed_, current)) return Value::boolean(false);
        loop_->last_changed_ = std::move(current);
        loop_->has_last_changed_ = true;
        return Value::boolean(true);
    }
    std::string repr() const override {
        return cycle_ ? "<bound method LoopContext.cycle>" : "<bound method LoopContext.changed>";
    }

  private:
    std::shared_ptr<LoopObject> loop_;
    bool cycle_;
};

LoopObject::LoopObject(Value holder, std::vector<Value> owned)
    : holder_(std::move(holder)), owned_(std::move(owned)) {
    items_ = holder_.is_list() ? &holder_.items() : &owned_;
}

Value LoopObject::attribute(std::string_view name) const {
    const auto length = static_cast<int64_t>(items_->size());
    if (name == "index") return Value::integer(index0_ + 1);
    if (name == "index0") return Value::integer(index0_);
    if (name == "revindex") return Value::integer(length - index0_);
    if (name == "revindex0") return Value::integer(length - index0_ - 1);
    if (name == "first") return Value::boolean(index0_ == 0);
    if (name == "last") return Value::boolean(index0_ == length - 1);
    if (name == "length") return Value::integer(length);
    if (name == "depth") return Value::integer(1);
    if (name == "depth0") return Value::integer(0);
    if (name == "previtem") {
        if (index0_ == 0) {
            return Value::undefined(UndefinedReason::Plain, name_data("there is no previous item"));
        }
        return (*items_)[static_cast<size_t>(index0_ - 1)];
    }
    if (name == "nextitem") {
        if (index0_ + 1 >= length)
            return Value::undefined(UndefinedReason::Plain, name_data("there is no next item"));
        return (*items_)[static_cast<size_t>(index0_ + 1)];
    }
    if (name == "cycle" || name == "changed") {
        auto self = std::const_pointer_cast<LoopObject>(shared_from_this());
        return Value::callable(std::make_shared<const LoopMethod>(std::move(self), name == "cycle"));
    }
    return Value::undefined(UndefinedReason::Attribute, name_data(name), "LoopContext object");
}

std::string LoopObject::repr() const {
    return "<LoopContext " + std::to_string(index0_ + 1) + "/" + std::to_string(items_->size()) + ">";
}

}  // namespace vela::openai::jinja
