// The dynamic value of the Jinja engine, modelled on the Python objects Jinja2 templates see.
//
// A Value is 32 bytes: a kind, a few flag bits, an inline scalar (bool, int64, double) and a
// shared pointer to immutable heap data for strings, lists, dicts and callables. Lists and dicts are
// never mutated after construction (the Hugging Face sandbox forbids it), so copying a Value only
// bumps a reference count and values can be shared between renders on different threads. The only
// mutable objects are namespaces, loop contexts, cyclers and joiners, which exist inside one render.
// Strings may carry the markup flag (markupsafe.Markup, produced by |safe and |escape), which
// changes how `+`, `%` and string methods treat plain-string operands, as in Python.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vela::openai::jinja {

class Value;
class Interpreter;

/// The Python type a Value stands for.
enum class ValueKind : uint8_t {
    Undefined,  // jinja2.Undefined
    None,       // None
    Bool,       // bool
    Int,        // int (64-bit here)
    Float,      // float
    String,     // str or markupsafe.Markup
    List,       // list, tuple, or a dict view
    Dict,       // dict, insertion-ordered
    Callable,   // a macro, builtin function or bound method
    Object,     // namespace, loop context, cycler, joiner
};

/// How deeply lists and dicts may nest. Deeper values are refused when built, so that printing,
/// comparing, serialising and destroying them cannot exhaust the stack.
inline constexpr uint32_t kMaxValueNesting = 1000;

/// The most items a list may hold (and a string may be split into); larger ones are refused.
inline constexpr size_t kMaxListItems = size_t{1} << 22;

/// Which Python sequence type a List value is. Dict views cannot be indexed; a generator (what
/// Jinja2's map/select/... filters return) can be iterated only once, is always truthy and has no
/// len().
enum class ListKind : uint8_t { List, Tuple, DictItems, DictKeys, DictValues, Generator };

/// Why a value is undefined; selects the message Jinja2 would give when it is used.
enum class UndefinedReason : uint8_t {
    Plain,      // the name, if any, is the whole message ("No first item, sequence was empty.")
    Name,       // a variable that does not exist
    Attribute,  // an attribute or key missing from an object
    Element,    // an index missing from a sequence
    Unsafe,     // an attribute the sandbox refuses (calling it raises SecurityError)
};

/// Base of every heap-allocated payload.
struct HeapData {
    virtual ~HeapData() = default;
};

/// An immutable string payload (UTF-8).
struct StringData final : HeapData {
    explicit StringData(std::string t) : text(std::move(t)) {}
    std::string text;
};

class TemplateError;

/// An immutable list/tuple payload; for a generator, also how far it has been consumed and the
/// error its producer raised after the last item (raised when iteration reaches it).
struct ListData final : HeapData {
    /// Throws a Limit-kind TemplateError when the items nest deeper than kMaxValueNesting.
    ListData(std::vector<Value> i, ListKind k);
    std::vector<Value> items;
    ListKind kind;
    uint32_t depth = 1;  // container nesting depth (1 = no nested containers)
    mutable size_t n_consumed = 0;
    std::shared_ptr<const TemplateError> pending_error;
};

/// An insertion-ordered dict payload. Keys compare with Python equality; string keys are indexed
/// by a hash map once the dict grows past a few entries.
class DictData final : public HeapData {
  public:
    /// The value stored under `key`, or null.
    const Value* find(const Value& key) const;
    /// The value stored under the string `key`, or null.
    const Value* find(std::string_view key) const;
    /// Stores `value` under `key`, keeping the position of an existing equal key. Throws a
    /// Limit-kind TemplateError when the dict would nest deeper than kMaxValueNesting.
    void set(Value key, Value value);
    /// The container nesting depth (1 = no nested containers).
    uint32_t depth() const { return depth_; }
    /// The entries in insertion order.
    const std::vector<std::pair<Value, Value>>& entries() const { return entries_; }
    /// The number of entries.
    size_t size() const { return entries_.size(); }

  private:
    static constexpr size_t kIndexThreshold = 12;
    std::vector<std::pair<Value, Value>> entries_;
    std::unordered_map<std::string_view, size_t> string_index_;
    uint32_t depth_ = 1;
};

/// Arguments of a call: positional values then keyword values (names point into the template or
/// into static storage and outlive the call).
struct CallArgs {
    std::vector<Value> positional;
    std::vector<std::pair<std::string_view, Value>> keywords;
};

/// Something callable from a template: a macro, a builtin global or a bound method.
class CallableData : public HeapData {
  public:
    /// Calls with `args`; may throw TemplateError.
    virtual Value call(Interpreter& interpreter, CallArgs& args) const = 0;
    /// Python's repr() of the callable.
    virtual std::string repr() const = 0;
};

/// A mutable object with attributes (namespace, loop context, cycler, joiner).
class ObjectData : public HeapData {
  public:
    /// The attribute `name`, or an undefined value.
    virtual Value attribute(std::string_view name) const = 0;
    /// Assigns attribute `name`; returns false when the object does not allow it.
    virtual bool set_attribute(std::string_view name, Value value);
    /// Python's repr() of the object.
    virtual std::string repr() const = 0;
    /// The Python type name ("Namespace", "LoopContext", ...).
    virtual std::string_view type_name() const = 0;
};

/// A dynamically typed Jinja value.
class Value {
  public:
    /// An undefined value without a hint.
    Value() : kind_(ValueKind::Undefined) {}
    /// A bool.
    static Value boolean(bool b);
    /// An int.
    static Value integer(int64_t i);
    /// A float.
    static Value floating(double f);
    /// None.
    static Value none();
    /// A str (markup = markupsafe.Markup).
    static Value string(std::string text, bool markup = false);
    /// A str sharing an existing payload.
    static Value string(std::shared_ptr<const StringData> data, bool markup = false);
    /// A list (or tuple or dict view, per `kind`).
    static Value list(std::vector<Value> items, ListKind kind = ListKind::List);
    /// A dict from a payload.
    static Value dict(std::shared_ptr<const DictData> data);
    /// A dict from string-keyed entries (later duplicates replace earlier ones).
    static Value dict(std::initializer_list<std::pair<std::string, Value>> entries);
    /// A callable.
    static Value callable(std::shared_ptr<const CallableData> data);
    /// A mutable object.
    static Value object(std::shared_ptr<ObjectData> data);
    /// An undefined value that remembers why; `owner_type` is a static Python type name such as
    /// "dict object" and `name` the missing name, attribute or element.
    static Value undefined(UndefinedReason reason, std::shared_ptr<const StringData> name,
                           const char* owner_type = nullptr);

    /// The kind.
    ValueKind kind() const { return kind_; }
    bool is_undefined() const { return kind_ == ValueKind::Undefined; }
    bool is_none() const { return kind_ == ValueKind::None; }
    bool is_bool() const { return kind_ == ValueKind::Bool; }
    bool is_int() const { return kind_ == ValueKind::Int; }
    bool is_float() const { return kind_ == ValueKind::Float; }
    /// int, float or bool (Python's numbers.Number).
    bool is_number() const {
        return kind_ == ValueKind::Int || kind_ == ValueKind::Float || kind_ == ValueKind::Bool;
    }
    bool is_string() const { return kind_ == ValueKind::String; }
    bool is_list() const { return kind_ == ValueKind::List; }
    bool is_dict() const { return kind_ == ValueKind::Dict; }
    bool is_callable() const { return kind_ == ValueKind::Callable; }
    bool is_object() const { return kind_ == ValueKind::Object; }
    /// True for a markupsafe.Markup string.
    bool is_markup() const { return kind_ == ValueKind::String && flags_ != 0; }

    /// The bool; only for Bool.
    bool as_bool() const { return scalar_.b; }
    /// The int (bools count as 0/1); only for Int or Bool.
    int64_t as_int() const { return kind_ == ValueKind::Bool ? (scalar_.b ? 1 : 0) : scalar_.i; }
    /// The number as a double; only for numbers.
    double as_double() const { return kind_ == ValueKind::Float ? scalar_.f : static_cast<double>(as_int()); }
    /// The text; only for String.
    const std::string& as_string() const { return static_cast<const StringData&>(*heap_).text; }
    /// The shared string payload; only for String.
    std::shared_ptr<const StringData> string_data() const {
        return std::static_pointer_cast<const StringData>(heap_);
    }
    /// The items; only for List.
    const std::vector<Value>& items() const { return static_cast<const ListData&>(*heap_).items; }
    /// Which sequence type; only for List.
    ListKind list_kind() const { return static_cast<const ListData&>(*heap_).kind; }
    /// The list payload; only for List.
    const ListData& list_data() const { return static_cast<const ListData&>(*heap_); }
    /// True for a list or tuple (indexable, re-iterable sequences).
    bool is_sequence() const {
        return kind_ == ValueKind::List && (list_kind() == ListKind::List || list_kind() == ListKind::Tuple);
    }
    /// True for a one-shot generator.
    bool is_generator() const { return kind_ == ValueKind::List && list_kind() == ListKind::Generator; }
    /// The dict; only for Dict.
    const DictData& as_dict() const { return static_cast<const DictData&>(*heap_); }
    /// The callable; only for Callable.
    const CallableData& as_callable() const { return static_cast<const CallableData&>(*heap_); }
    /// The object; only for Object.
    ObjectData& as_object() const { return static_cast<ObjectData&>(*heap_); }
    /// Identity of the heap payload (Python's `is` for containers); null for scalars.
    const void* identity() const { return heap_.get(); }

    /// Why this value is undefined; only for Undefined.
    UndefinedReason undefined_reason() const { return static_cast<UndefinedReason>(flags_); }
    /// The message Jinja2 gives when this undefined value is used.
    std::string undefined_message() const;

  private:
    ValueKind kind_;
    uint8_t flags_ = 0;  // markup bit for strings, UndefinedReason for undefined
    union Scalar {
        bool b;
        int64_t i;
        double f;
        const char* owner_type;
    } scalar_{.i = 0};
    std::shared_ptr<HeapData> heap_;
};

/// Starts the calling thread's work budget for one render; units are statements, loop iterations,
/// container items built or iterated and string bytes / 64. Outside a render the budget is unlimited.
void reset_work_budget(int64_t units);

/// Charges `units` to the calling thread's budget; throws a Limit-kind TemplateError when exhausted.
void charge_work(size_t units);

/// A generator yielding `items` and then raising `error` (null = none).
Value make_generator(std::vector<Value> items, std::shared_ptr<const TemplateError> error = nullptr);

/// next(generator): the next item, or undefined when exhausted; throws a pending error.
Value next_generator_item(const Value& generator);

/// Python's type name of `value` ("str", "int", "dict", ...), as used in error messages.
std::string_view py_type_name(const Value& value);

/// Python's bool(value).
bool py_truthy(const Value& value);

/// True when Python could hash `value` (not a list, dict, dict view, or a tuple holding one).
bool py_hashable(const Value& value);

/// Python's `a == b`.
bool py_equal(const Value& a, const Value& b);

/// Python's `a < b`; throws a TypeError-kind TemplateError when the types do not order.
bool py_less(const Value& a, const Value& b);

/// Python's str(value), appended to `out`; undefined values append nothing.
void append_py_str(std::string& out, const Value& value);

/// Python's str(value).
std::string py_str(const Value& value);

/// Python's repr(value), appended to `out`.
void append_py_repr(std::string& out, const Value& value);

/// Python's repr(value).
std::string py_repr(const Value& value);

/// Python's len(value); throws when the value has no length.
int64_t py_len(const Value& value);

/// The items Python's iter(value) yields: list items, dict keys, string characters; undefined
/// yields nothing. Throws when the value is not iterable.
std::vector<Value> py_iterate(const Value& value);

}  // namespace vela::openai::jinja
