// Element types of weights and activations, with their block layouts.
//
// Quantized types store a row as a sequence of fixed-size blocks; a row's length must be a multiple of
// the type's block_elems. The byte layouts follow the GGUF/ggml formats so GGUF tensors are used in place
// (mmap, no copy). `ggml_id` is the type number in GGUF tensor infos.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vela {

/// Element type of a tensor.
enum class DType : uint8_t {
    F32,
    F16,
    BF16,
    Q8_0,  // 32 elems: f16 scale + 32 x int8
    Q4_0,  // 32 elems: f16 scale + 16 bytes of 4-bit values (offset 8)
    Q4_1,  // 32 elems: f16 scale, f16 min + 16 bytes of 4-bit values
    Q5_0,  // 32 elems: f16 scale + 32 high bits + 16 bytes of low nibbles (offset 16)
    Q5_1,  // 32 elems: f16 scale, f16 min + 32 high bits + 16 bytes of low nibbles
    Q4_K,  // 256 elems: f16 d, f16 dmin, 12 bytes of 6-bit sub-block scales/mins, 128 bytes of nibbles
    Q5_K,  // 256 elems: as Q4_K plus 32 bytes of high bits
    Q6_K,  // 256 elems: 128 bytes low nibbles, 64 bytes high 2 bits, 16 int8 scales, f16 d
    Q8_K,  // 256 elems: f32 d, 256 x int8, 16 x int16 block sums (activations only, never stored in files)
    I32,   // 32-bit signed integers
};

/// Static facts about a DType.
struct DTypeTraits {
    std::string_view name;  // "f32", "q4_k", ... (lower case, as in GGUF tooling)
    int64_t block_elems;    // elements per block (1 for plain types)
    int64_t block_bytes;    // bytes per block
    uint32_t ggml_id;       // GGUF/ggml type number
    bool quantized;         // true for the block-quantized types
};

/// The traits of `dtype`.
const DTypeTraits& traits(DType dtype);

/// The lower-case name of `dtype`.
inline std::string_view to_string(DType dtype) {
    return traits(dtype).name;
}

/// The DType with GGUF type number `ggml_id`, if vela supports it.
std::optional<DType> dtype_from_ggml(uint32_t ggml_id);

/// The DType named `name` ("q8_0", "F16", ... case-insensitive), if any.
std::optional<DType> dtype_from_name(std::string_view name);

/// A human name for a GGUF type number, known or not ("q2_K", "iq4_xs", "type 99").
std::string ggml_type_name(uint32_t ggml_id);

/// Bytes used by `n_elems` elements of `dtype`; n_elems must be a multiple of block_elems.
inline int64_t row_bytes(DType dtype, int64_t n_elems) {
    const DTypeTraits& t = traits(dtype);
    return n_elems / t.block_elems * t.block_bytes;
}

}  // namespace vela
