// The global functions a Hugging Face chat template can call: Jinja2's range (with the sandbox's
// 100000-item limit), dict, namespace, cycler and joiner, plus transformers' raise_exception and
// strftime_now. Also the argument binder every builtin uses.
#include <chrono>
#include <ctime>
#include <unordered_map>

#include "template/builtins.h"
#include "template/interpreter.h"
#include "template/py_text.h"
#include "template/template_error.h"

namespace vela::openai::jinja {

namespace {

constexpr int64_t kMaxRange = 100000;  // jinja2.sandbox.MAX_RANGE

// A builtin global function.
class GlobalFunction final : public CallableData {
  public:
    using Fn = Value (*)(Interpreter&, CallArgs&);
    GlobalFunction(const char* name, Fn fn) : name_(name), fn_(fn) {}
    Value call(Interpreter& interpreter, CallArgs& args) const override { return fn_(interpreter, args); }
    std::string repr() const override { return std::string("<function ") + name_ + ">"; }

  private:
    const char* name_;
    Fn fn_;
};

// jinja2.utils.Namespace: attributes set with {% set ns.name = value %}.
class NamespaceObject final : public ObjectData {
  public:
    explicit NamespaceObject(DictData attributes) : attributes_(std::move(attributes)) {}
    Value attribute(std::string_view name) const override {
        if (const Value* value = attributes_.find(name)) return *value;
        return Value::undefined(UndefinedReason::Attribute,
                                std::make_shared<const StringData>(std::string(name)),
                                "jinja2.utils.Namespace object");
    }
    bool set_attribute(std::string_view name, Value value) override {
        attributes_.set(Value::string(std::string(name)), std::move(value));
        return true;
    }
    std::string repr() const override {
        auto copy = std::make_shared<DictData>(attributes_);
        return "<Namespace " + py_repr(Value::dict(std::move(copy))) + ">";
    }
    std::string_view type_name() const override { return "Namespace"; }

  private:
    DictData attributes_;
};

// jinja2.utils.Cycler.
class CyclerObject final : public ObjectData, public std::enable_shared_from_this<CyclerObject> {
  public:
    explicit CyclerObject(std::vector<Value> items) : items_(std::move(items)) {}
    Value attribute(std::string_view name) const override {
        if (name == "current") return items_[position_];
        if (name == "items") return Value::list(items_);
        if (name == "next" || name == "reset") {
            auto self = std::const_pointer_cast<CyclerObject>(shared_from_this());
            return Value::callable(std::make_shared<const Method>(std::move(self), name == "next"));
        }
        return Value::undefined(UndefinedReason::Attribute,
                                std::make_shared<const StringData>(std::string(name)), "Cycler object");
    }
    std::string repr() const override { return "<jinja2.utils.Cycler object>"; }
    std::string_view type_name() const override { return "Cycler"; }

  private:
    class Method final : public CallableData {
      public:
        Method(std::shared_ptr<CyclerObject> cycler, bool next) : cycler_(std::move(cycler)), next_(next) {}
        Value call(Interpreter&, CallArgs& args) const override {
            ArgBinder a(next_ ? "next" : "reset", args, {});
            if (!next_) {
                cycler_->position_ = 0;
                return Value::none();
            }
            Value current = cycler_->items_[cycler_->position_];
            cycler_->position_ = (cycler_->position_ + 1) % cycler_->items_.size();
            return current;
        }
        std::string repr() const override {
            return next_ ? "<bound method Cycler.next>" : "<bound method Cycler.reset>";
        }

      private:
        std::shared_ptr<CyclerObject> cycler_;
        bool next_;
    };

    std::vector<Value> items_;
    size_t position_ = 0;
};

// jinja2.utils.Joiner: returns "" on the first call and the separator afterwards.
class JoinerObject final : public CallableData {
  public:
    explicit JoinerObject(std::string separator) : separator_(std::move(separator)) {}
    Value call(Interpreter&, CallArgs& args) const override {
        ArgBinder a("joiner", args, {});
        if (!used_) {
            used_ = true;
            return Value::string("");
        }
        return Value::string(separator_);
    }
    std::string repr() const override { return "<jinja2.utils.Joiner object>"; }

  private:
    std::string separator_;
    mutable bool used_ = false;
};

Value g_range(Interpreter&, CallArgs& args) {
    if (!args.keywords.empty()) throw_type_error("range() takes no keyword arguments");
    const auto& p = args.positional;
    if (p.empty() || p.size() > 3)
        throw_type_error("range expected 1 to 3 arguments, got " + std::to_string(p.size()));
    int64_t start = 0;
    int64_t stop = 0;
    int64_t step = 1;
    if (p.size() == 1) {
        stop = require_int(p[0], "range() argument");
    } else {
        start = require_int(p[0], "range() argument");
        stop = require_int(p[1], "range() argument");
        if (p.size() == 3) step = require_int(p[2], "range() argument");
    }
    if (step == 0) throw_type_error("ValueError: range() arg 3 must not be zero");
    std::vector<Value> items;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
        if (static_cast<int64_t>(items.size()) >= kMaxRange) {
            throw TemplateError(TemplateErrorKind::Security,
                                "Range too big. The sandbox blocks ranges larger than MAX_RANGE (100000).");
        }
        items.push_back(Value::integer(i));
    }
    return Value::list(std::move(items));
}

// dict(*args, **kwargs) semantics: an optional mapping or iterable of pairs, then keywords.
DictData build_dict(CallArgs& args, const char* function) {
    DictData dict;
    if (args.positional.size() > 1) {
        throw_type_error(std::string(function) + " expected at most 1 argument, got " +
                         std::to_string(args.positional.size()));
    }
    if (!args.positional.empty()) {
        const Value& source = args.positional[0];
        if (source.is_dict()) {
            dict = source.as_dict();
        } else {
            for (const Value& pair : py_iterate(source)) {
                const std::vector<Value> parts = py_iterate(pair);
                if (parts.size() != 2) {
                    throw_type_error("dictionary update sequence element has length " +
                                     std::to_string(parts.size()) + "; 2 is required");
                }
                dict.set(parts[0], parts[1]);
            }
        }
    }
    for (auto& [name, value] : args.keywords)
        dict.set(Value::string(std::string(name)), value);
    return dict;
}

Value g_dict(Interpreter&, CallArgs& args) {
    return Value::dict(std::make_shared<DictData>(build_dict(args, "dict")));
}

Value g_namespace(Interpreter&, CallArgs& args) {
    return Value::object(std::make_shared<NamespaceObject>(build_dict(args, "namespace")));
}

Value g_cycler(Interpreter&, CallArgs& args) {
    if (args.positional.empty()) throw_type_error("at least one item has to be provided");
    return Value::object(std::make_shared<CyclerObject>(args.positional));
}

Value g_joiner(Interpreter&, CallArgs& args) {
    ArgBinder a("joiner", args, {"sep"});
    return Value::callable(std::make_shared<const JoinerObject>(a.has(0) ? py_str(a[0]) : ", "));
}

Value g_raise_exception(Interpreter&, CallArgs& args) {
    ArgBinder a("raise_exception", args, {"message"});
    throw TemplateError(TemplateErrorKind::Raised, py_str(a[0]));
}

Value g_strftime_now(Interpreter& interpreter, CallArgs& args) {
    ArgBinder a("strftime_now", args, {"format"});
    if (!a[0].is_string())
        throw_type_error("strftime() argument 1 must be str, not " + std::string(py_type_name(a[0])));
    std::tm now{};
    if (interpreter.options().now) {
        now = *interpreter.options().now;
    } else {
        const std::time_t t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
        localtime_r(&t, &now);
    }
    const std::string& format = a[0].as_string();
    if (format.empty()) return Value::string("");
    // strftime reports 0 both for "buffer too small" and for an empty result; grow until it fits.
    for (size_t size = 256; size <= (size_t{1} << 20); size *= 4) {
        std::string buf(size, '\0');
        const size_t n = std::strftime(buf.data(), buf.size(), format.c_str(), &now);
        if (n > 0) {
            buf.resize(n);
            return Value::string(std::move(buf));
        }
    }
    return Value::string("");
}

const std::unordered_map<std::string_view, Value>& global_table() {
    static const std::unordered_map<std::string_view, Value> kGlobals = [] {
        std::unordered_map<std::string_view, Value> table;
        auto add = [&](const char* name, GlobalFunction::Fn fn) {
            table.emplace(name, Value::callable(std::make_shared<const GlobalFunction>(name, fn)));
        };
        add("range", g_range);
        add("dict", g_dict);
        add("namespace", g_namespace);
        add("cycler", g_cycler);
        add("joiner", g_joiner);
        add("raise_exception", g_raise_exception);
        add("strftime_now", g_strftime_now);
        return table;
    }();
    return kGlobals;
}

}  // namespace

Value find_global(std::string_view name) {
    const auto& table = global_table();
    const auto it = table.find(name);
    return it == table.end() ? Value() : it->second;
}

ArgBinder::ArgBinder(std::string_view function, CallArgs& args,
                     std::initializer_list<std::string_view> params)
    : values_(params.size()), given_(params.size(), false) {
    if (args.positional.size() > params.size()) {
        throw_type_error(std::string(function) + "() takes at most " + std::to_string(params.size()) +
                         " argument(s) (" + std::to_string(args.positional.size()) + " given)");
    }
    for (size_t i = 0; i < args.positional.size(); ++i) {
        values_[i] = args.positional[i];
        given_[i] = true;
    }
    for (auto& [name, value] : args.keywords) {
        size_t index = 0;
        bool found = false;
        for (std::string_view param : params) {
            if (param == name) {
                found = true;
                break;
            }
            ++index;
        }
        if (!found) {
            throw_type_error(std::string(function) + "() got an unexpected keyword argument '" +
                             std::string(name) + "'");
        }
        if (given_[index]) {
            throw_type_error(std::string(function) + "() got multiple values for argument '" +
                             std::string(name) + "'");
        }
        values_[index] = value;
        given_[index] = true;
    }
}

int64_t require_int(const Value& value, std::string_view what) {
    if (value.is_int() || value.is_bool()) return value.as_int();
    if (value.is_undefined()) {
        throw TemplateError(TemplateErrorKind::Undefined, value.undefined_message());
    }
    throw_type_error(std::string(what) + ": '" + std::string(py_type_name(value)) +
                     "' object cannot be interpreted as an integer");
}

}  // namespace vela::openai::jinja
