#include "model/model_loader.h"

#include <algorithm>

#include "kernels/ops.h"
#include "loader/gguf_file.h"
#include "loader/safetensors_set.h"
#include "model/decoder.h"
#include "model/gguf_config.h"
#include "model/hf_config.h"
#include "model/tensor_names.h"

namespace vela {
namespace {

// A model's weights, configuration and ship-with defaults, before the decoder is built.
struct ModelParts {
    ModelConfig config;
    WeightMap weights;
    GenerationDefaults defaults;
    std::string name;
};

Result<ModelParts> open_gguf(const std::filesystem::path& path) {
    auto file = GgufFile::open(path);
    if (!file) return std::move(file).error();
    auto shared = std::make_shared<GgufFile>(std::move(*file));
    auto config = model_config_from_gguf(*shared);
    if (!config) return std::move(config).error();
    WeightMap weights(path.string());
    for (const GgufTensorInfo& info : shared->tensors()) {
        auto view = shared->tensor_view(info.name);
        if (!view) return std::move(view).error();
        weights.add(info.name, *view);
    }
    weights.keep_alive(shared);
    std::string name = shared->get_string("general.name").value_or(path.stem().string());
    return ModelParts{std::move(*config), std::move(weights), {}, std::move(name)};
}

Result<ModelParts> open_hf_folder(const std::filesystem::path& folder) {
    auto config = model_config_from_hf_folder(folder);
    if (!config) return std::move(config).error();
    auto set = SafetensorsSet::open(folder);
    if (!set) return std::move(set).error();
    auto shared = std::make_shared<SafetensorsSet>(std::move(*set));
    WeightMap weights(folder.string());
    for (const std::string& hf_name : shared->tensor_names()) {
        std::optional<std::string> canonical = canonical_from_hf(hf_name);
        if (!canonical) continue;
        auto view = shared->tensor_view(hf_name);
        if (!view) return std::move(view).error();
        weights.add(std::move(*canonical), *view);
    }
    weights.keep_alive(shared);
    auto defaults = generation_defaults_from_hf_folder(folder);
    if (!defaults) return std::move(defaults).error();
    std::string name =
        folder.filename().empty() ? folder.parent_path().filename().string() : folder.filename().string();
    return ModelParts{std::move(*config), std::move(weights), std::move(*defaults), std::move(name)};
}

// In-situ quantization: every F32/F16/BF16 matrix becomes `dtype` (rows the block size does not divide
// stay as they are).
void quantize_in_place(WeightMap& weights, DType dtype) {
    for (const std::string& name : weights.names()) {
        const TensorView view = *weights.find(name);
        if (view.rank() != 2 || traits(view.dtype()).quantized) continue;
        const int64_t row = view.row_length();
        if (row % traits(dtype).block_elems != 0) continue;
        Tensor quantized(dtype, view.shape());
        std::vector<float> buffer(static_cast<size_t>(row));
        const int64_t out_row_bytes = row_bytes(dtype, row);
        for (int64_t r = 0; r < view.n_rows(); ++r) {
            kernels::dequantize_row(view.dtype(), view.row(r), row, buffer.data());
            kernels::quantize_row(dtype, buffer.data(), row, quantized.data() + r * out_row_bytes);
        }
        weights.add_owned(name, std::move(quantized));
    }
}

std::string describe_dtypes(const WeightMap& weights) {
    std::optional<DType> common;
    for (const std::string& name : weights.names()) {
        const TensorView* view = weights.find(name);
        if (view->rank() != 2) continue;
        if (common && *common != view->dtype()) return "mixed";
        common = view->dtype();
    }
    return common ? std::string(to_string(*common)) : "none";
}

}  // namespace

Result<LoadedModel> load_model(const std::filesystem::path& path, const LoadOptions& options) {
    std::error_code ec;
    const bool is_dir = std::filesystem::is_directory(path, ec);
    if (!is_dir && !std::filesystem::exists(path, ec)) {
        return Error{Errc::NotFound, path.string() +
                                         ": no such file or folder; pass a .gguf file or a Hugging Face "
                                         "model folder (config.json, *.safetensors, tokenizer.json)"};
    }
    auto parts = is_dir ? open_hf_folder(path) : open_gguf(path);
    if (!parts) return std::move(parts).error();
    if (options.isq) {
        if (!traits(*options.isq).quantized || *options.isq == DType::Q8_K) {
            return Error{Errc::InvalidArgument,
                         "in-situ quantization to " + std::string(to_string(*options.isq)) +
                             " is not possible; choose q8_0, q4_0, q4_1, q5_0, q5_1, q4_k, "
                             "q5_k or q6_k"};
        }
        quantize_in_place(parts->weights, *options.isq);
    }
    auto tokenizer = Tokenizer::load(path);
    if (!tokenizer) return std::move(tokenizer).error();
    if ((*tokenizer)->vocab_size() > parts->config.vocab_size) {
        return Error{Errc::Corrupt, path.string() + ": the tokenizer has " +
                                        std::to_string((*tokenizer)->vocab_size()) +
                                        " tokens but the model's vocabulary has only " +
                                        std::to_string(parts->config.vocab_size) + " rows"};
    }
    const std::string weight_dtype = describe_dtypes(parts->weights);
    const std::string family = parts->config.family;
    auto decoder = Decoder::create(std::move(parts->config), std::move(parts->weights));
    if (!decoder) return std::move(decoder).error();

    LoadedModel model;
    model.runner = std::move(*decoder);
    model.architecture = family;
    model.name = std::move(parts->name);
    model.weight_dtype = weight_dtype;
    const auto eog = (*tokenizer)->end_of_generation_ids();
    model.eog_token_ids.assign(eog.begin(), eog.end());
    for (TokenId id : parts->defaults.eos_token_ids) {
        if (std::find(model.eog_token_ids.begin(), model.eog_token_ids.end(), id) ==
            model.eog_token_ids.end()) {
            model.eog_token_ids.push_back(id);
        }
    }
    model.defaults = std::move(parts->defaults);
    model.tokenizer = std::move(*tokenizer);
    return model;
}

}  // namespace vela
