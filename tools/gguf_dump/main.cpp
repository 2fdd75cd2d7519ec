// vela-gguf-dump: a developer tool that prints what vela's GGUF reader sees, as JSON.
//
//   vela-gguf-dump [--full] FILE.gguf     {version, alignment, data_offset, file_size, metadata,
//                                          metadata_types, tensors: [{name, type, ggml_type, shape,
//                                          offset, n_bytes}]}
//   vela-gguf-dump --write-sample PATH [--alignment N]
//                                         writes a GGUF v3 file with every metadata value type (nested
//                                         arrays included) and tensors of several dtypes
//
// 64-bit integers are printed as decimal strings (JSON numbers lose precision past 2^53); shapes are
// outermost first. Without --full, arrays longer than 16 elements print as {length, head}.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "loader/gguf_file.h"
#include "loader/gguf_writer.h"

namespace {

using nlohmann::ordered_json;
using vela::GgufType;
using vela::GgufValue;

constexpr size_t kSummaryLength = 16;

std::string type_name(const GgufValue& v) {
    if (v.type() != GgufType::Array) return std::string(vela::to_string(v.type()));
    return "array<" + std::string(vela::to_string(v.array_type())) + ">";
}

ordered_json to_json(const GgufValue& v, bool full) {
    switch (v.type()) {
        case GgufType::UInt64:
            return std::to_string(*v.as_uint());
        case GgufType::Int64:
            return std::to_string(*v.as_int());
        case GgufType::Float32:
        case GgufType::Float64:
            return *v.as_float();
        case GgufType::Bool:
            return *v.as_bool();
        case GgufType::String:
            return *v.as_string();
        case GgufType::Array: {
            ordered_json items = ordered_json::array();
            const size_t n = full ? v.array_size() : std::min(v.array_size(), kSummaryLength);
            for (size_t i = 0; i < n; ++i)
                items.push_back(to_json(v.at(i), full));
            if (n == v.array_size()) return items;
            return ordered_json{{"length", v.array_size()}, {"head", std::move(items)}};
        }
        default:
            return *v.as_int();  // the six integer types narrower than 64 bits
    }
}

int dump(const char* path, bool full) {
    vela::Result<vela::GgufFile> file = vela::GgufFile::open(path);
    if (!file) {
        std::fprintf(stderr, "%s\n", file.error().message().c_str());
        return 1;
    }
    ordered_json out;
    out["version"] = file->version();
    out["alignment"] = file->alignment();
    out["data_offset"] = file->data_offset();
    out["file_size"] = file->file_size();
    ordered_json metadata = ordered_json::object();
    ordered_json types = ordered_json::object();
    for (const std::string& key : file->keys()) {
        const GgufValue* v = file->find(key);
        metadata[key] = to_json(*v, full);
        types[key] = type_name(*v);
    }
    out["metadata"] = std::move(metadata);
    out["metadata_types"] = std::move(types);
    ordered_json tensors = ordered_json::array();
    for (const vela::GgufTensorInfo& t : file->tensors()) {
        tensors.push_back({{"name", t.name},
                           {"type", vela::ggml_type_name(t.ggml_type)},
                           {"ggml_type", t.ggml_type},
                           {"shape", t.shape},
                           {"offset", std::to_string(t.offset)},
                           {"n_bytes", std::to_string(t.n_bytes)}});
    }
    out["tensors"] = std::move(tensors);
    // Invalid UTF-8 in vocabularies is replaced by U+FFFD, as JavaScript's decoder does.
    std::puts(out.dump(-1, ' ', false, ordered_json::error_handler_t::replace).c_str());
    return 0;
}

std::vector<std::byte> pattern(size_t n, unsigned seed) {
    std::vector<std::byte> out(n);
    for (size_t i = 0; i < n; ++i)
        out[i] = static_cast<std::byte>((i * 131 + seed * 17 + 7) & 0xff);
    return out;
}

int write_sample(const char* path, std::optional<uint32_t> alignment) {
    vela::GgufWriter w;
    w.set_string("general.architecture", "llama");
    w.set_string("general.name", "vela sample \xc3\xa9 \xe2\x9c\x93");
    if (alignment) w.set_u32("general.alignment", *alignment);
    w.set("sample.u8", GgufValue::uint8(255));
    w.set("sample.i8", GgufValue::int8(-128));
    w.set("sample.u16", GgufValue::uint16(65535));
    w.set("sample.i16", GgufValue::int16(-32768));
    w.set_u32("sample.u32", 4294967295u);
    w.set_i32("sample.i32", -2147483647 - 1);
    w.set_f32("sample.f32", 0.1f);
    w.set_bool("sample.bool_true", true);
    w.set_bool("sample.bool_false", false);
    w.set_u64("sample.u64", ~uint64_t{0});
    w.set("sample.i64", GgufValue::int64(-9223372036854775807 - 1));
    w.set("sample.f64", GgufValue::float64(3.141592653589793));
    w.set_string("sample.str_empty", "");
    w.set_string("sample.str_multiline", "{% for m in messages %}\n\t{{ m.content }}\n{% endfor %}");
    w.set_string_array("sample.arr_str", std::vector<std::string>{"<s>", "", "\xe2\x96\x81the", "\n",
                                                                  "\xc4\xa0"
                                                                  "a"});
    w.set_i32_array("sample.arr_i32", std::vector<int32_t>{-1, 0, 1, 2147483647});
    w.set_f32_array("sample.arr_f32", std::vector<float>{0.5f, -1e-8f, 1e30f});
    std::vector<GgufValue> bytes;
    for (int i = 0; i < 300; ++i)
        bytes.push_back(GgufValue::uint8(static_cast<uint8_t>(i * 7)));
    w.set("sample.arr_u8_long", GgufValue::array(GgufType::UInt8, std::move(bytes)));
    w.set("sample.arr_empty", GgufValue::array(GgufType::Float32, {}));
    w.set("sample.arr_bool",
          GgufValue::array(GgufType::Bool, {GgufValue::boolean(true), GgufValue::boolean(false)}));
    w.set("sample.arr_u64",
          GgufValue::array(GgufType::UInt64, {GgufValue::uint64(0), GgufValue::uint64(~uint64_t{0})}));
    w.set("sample.arr_i64",
          GgufValue::array(GgufType::Int64, {GgufValue::int64(-5), GgufValue::int64(1LL << 60)}));
    w.set("sample.arr_f64",
          GgufValue::array(GgufType::Float64, {GgufValue::float64(1e-300), GgufValue::float64(-2.5)}));
    w.set("sample.arr_i16", GgufValue::array(GgufType::Int16, {GgufValue::int16(-2), GgufValue::int16(300)}));
    w.set("sample.arr_nested",
          GgufValue::array(GgufType::Array,
                           {GgufValue::array(GgufType::Int16, {GgufValue::int16(1), GgufValue::int16(2)}),
                            GgufValue::array(GgufType::Int16, {GgufValue::int16(3)})}));
    w.set("sample.arr_nested_str",
          GgufValue::array(GgufType::Array, {GgufValue::string_array(std::vector<std::string>{"x", "y"}),
                                             GgufValue::string_array(std::vector<std::string>{})}));

    struct SampleTensor {
        const char* name;
        vela::DType dtype;
        std::vector<int64_t> shape;
    };
    const std::vector<SampleTensor> tensors = {
        {"token_embd.weight", vela::DType::F32, {3, 5}},
        {"blk.0.attn_norm.weight", vela::DType::F16, {7}},
        {"blk.0.attn_q.weight", vela::DType::BF16, {2, 2, 4}},
        {"blk.0.attn_k.weight", vela::DType::Q8_0, {2, 64}},
        {"blk.0.attn_v.weight", vela::DType::Q4_0, {1, 32}},
        {"blk.0.ffn_up.weight", vela::DType::Q4_K, {2, 256}},
        {"blk.0.ffn_gate.weight", vela::DType::Q5_K, {1, 256}},
        {"blk.0.ffn_down.weight", vela::DType::Q6_K, {3, 256}},
        {"rope_freqs.weight", vela::DType::I32, {1, 2, 3, 4}},
    };
    unsigned seed = 0;
    for (const SampleTensor& t : tensors) {
        int64_t n = 1;
        for (int64_t d : t.shape)
            n *= d;
        w.add_tensor(t.name, t.dtype, t.shape,
                     pattern(static_cast<size_t>(vela::row_bytes(t.dtype, n)), seed++));
    }
    vela::Result<void> written = w.write(path);
    if (!written) {
        std::fprintf(stderr, "%s\n", written.error().message().c_str());
        return 1;
    }
    return 0;
}

int usage() {
    std::fprintf(stderr,
                 "usage: vela-gguf-dump [--full] FILE.gguf\n"
                 "       vela-gguf-dump --write-sample PATH [--alignment N]\n");
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "--write-sample") {
        if (args.size() == 2) return write_sample(args[1].c_str(), std::nullopt);
        if (args.size() == 4 && args[2] == "--alignment") {
            char* end = nullptr;
            const unsigned long a = std::strtoul(args[3].c_str(), &end, 10);
            if (*end != '\0' || a == 0 || a > 0xffffffffUL) return usage();
            return write_sample(args[1].c_str(), static_cast<uint32_t>(a));
        }
        return usage();
    }
    if (args.size() == 1) return dump(args[0].c_str(), false);
    if (args.size() == 2 && args[0] == "--full") return dump(args[1].c_str(), true);
    return usage();
}
