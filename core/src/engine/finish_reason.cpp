#include "vela/core/output.h"

namespace vela {

const char* to_string(FinishReason::Kind kind) {
    switch (kind) {
        case FinishReason::Kind::Stop:
            return "stop";
        case FinishReason::Kind::Length:
            return "length";
        case FinishReason::Kind::StopSequence:
            return "stop_sequence";
        case FinishReason::Kind::Cancelled:
            return "cancelled";
        case FinishReason::Kind::Error:
            return "error";
    }
    return "error";
}

}  // namespace vela
