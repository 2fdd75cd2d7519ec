// Canonical tensor names. Model code names weights the way GGUF files do ("blk.3.attn_q.weight");
// Hugging Face names ("model.layers.3.self_attn.q_proj.weight") are mapped onto them by one table.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vela {

/// The canonical name of a Hugging Face tensor, or nullopt for tensors vela does not use
/// (e.g. "model.rotary_emb.inv_freq").
std::optional<std::string> canonical_from_hf(std::string_view hf_name);

/// The Hugging Face name of a canonical tensor name (used by the test-model generator).
std::optional<std::string> hf_from_canonical(std::string_view canonical);

/// "blk.<layer>.<suffix>", e.g. layer_tensor(3, "attn_q.weight").
std::string layer_tensor(int32_t layer, std::string_view suffix);

}  // namespace vela
