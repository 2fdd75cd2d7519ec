#include "model/weight_map.h"

#include <algorithm>

namespace vela {
namespace {

std::string shape_text(std::span<const int64_t> shape) {
    std::string out = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) out += ", ";
        out += std::to_string(shape[i]);
    }
    return out + "]";
}

}  // namespace

void WeightMap::add(std::string name, TensorView view) {
    views_[std::move(name)] = view;
}

void WeightMap::add_owned(std::string name, Tensor tensor) {
    auto [it, inserted] = owned_.insert_or_assign(name, std::move(tensor));
    views_[std::move(name)] = it->second.view();
}

const TensorView* WeightMap::find(std::string_view name) const {
    auto it = views_.find(name);
    return it == views_.end() ? nullptr : &it->second;
}

Result<std::optional<TensorView>> WeightMap::optional(std::string_view name,
                                                      std::initializer_list<int64_t> shape) const {
    const TensorView* view = find(name);
    if (view == nullptr) return std::optional<TensorView>{};
    std::span<const int64_t> expected(shape.begin(), shape.size());
    if (!std::equal(expected.begin(), expected.end(), view->shape().begin(), view->shape().end())) {
        return Error{Errc::Corrupt, source_ + ": tensor '" + std::string(name) + "' has shape " +
                                        shape_text(view->shape()) + " but the model configuration needs " +
                                        shape_text(expected)};
    }
    return std::optional<TensorView>{*view};
}

Result<TensorView> WeightMap::require(std::string_view name, std::initializer_list<int64_t> shape) const {
    auto found = optional(name, shape);
    if (!found) return std::move(found).error();
    if (!found->has_value()) {
        return Error{Errc::NotFound,
                     source_ + ": tensor '" + std::string(name) +
                         "' is missing; the file is incomplete or was made for another architecture"};
    }
    return **found;
}

std::vector<std::string> WeightMap::names() const {
    std::vector<std::string> out;
    out.reserve(views_.size());
    for (const auto& [name, view] : views_)
        out.push_back(name);
    return out;
}

}  // namespace vela
