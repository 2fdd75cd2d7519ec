// The built-in chat templates (written for vela): ChatML, Llama 3, Gemma, Phi-3, Mistral and Llama 2
// prompt styles, for GGUF files and folders that ship no chat template.
//
// Each row is keyed by the tokens its markers need, so a vocabulary picks its own style. ChatML renders
// tools in the Hermes style (<tools> in the system turn, <tool_call> blocks), so the Hermes parser reads
// its calls; the others do not read `tools`, so the conversation manager describes tools in a system
// message and calls use the generic JSON format ({"name", "arguments"}, a list for several calls),
// which is how these templates also write earlier calls back. Every tag trims the whitespace around it,
// so the sources' line breaks never reach the prompt.
#include "conversation/builtin_chat_templates.h"

#include <array>

namespace vela::openai {
namespace {

// The macro write_calls(calls): an assistant message's tool calls in the generic JSON form. Put in
// front of every template that uses it.
constexpr std::string_view kGenericCalls = R"JINJA(
{%- macro write_calls(calls) -%}
{%- if calls | length > 1 -%}{{- '[' -}}{%- endif -%}
{%- for call in calls -%}{%- if not loop.first -%}{{- ', ' -}}{%- endif -%}
{{- {'name': call.function.name, 'arguments': call.function.arguments} | tojson -}}{%- endfor -%}
{%- if calls | length > 1 -%}{{- ']' -}}{%- endif -%}
{%- endmacro -%}
)JINJA";

constexpr std::string_view kChatMl = R"JINJA(
{%- set ns = namespace(system=none) -%}
{%- if messages and messages[0].role == 'system' -%}{%- set ns.system = messages[0].content or '' -%}{%- endif -%}
{%- if tools -%}
{{- '<|im_start|>system\n' -}}
{%- if ns.system is not none -%}{{- ns.system + '\n\n' -}}{%- endif -%}
{{- '# Tools\n\nYou can call the functions listed inside <tools></tools>, one JSON signature per line:\n<tools>' -}}
{%- for tool in tools -%}{{- '\n' + (tool | tojson) -}}{%- endfor -%}
{{- '\n</tools>\n\nTo call a function, write a JSON object with its name and arguments inside <tool_call></tool_call> tags:\n<tool_call>\n{"name": <function name>, "arguments": <arguments object>}\n</tool_call><|im_end|>\n' -}}
{%- elif ns.system is not none -%}
{{- '<|im_start|>system\n' + ns.system + '<|im_end|>\n' -}}
{%- endif -%}
{%- for message in messages -%}
{%- if loop.first and message.role == 'system' -%}
{%- elif message.role == 'tool' -%}
{{- '<|im_start|>user\n<tool_response>\n' + (message.content or '') + '\n</tool_response><|im_end|>\n' -}}
{%- else -%}
{{- '<|im_start|>' + message.role + '\n' + (message.content or '') -}}
{%- for call in message.tool_calls or [] -%}
{{- '\n<tool_call>\n' + ({'name': call.function.name, 'arguments': call.function.arguments} | tojson) + '\n</tool_call>' -}}
{%- endfor -%}
{{- '<|im_end|>\n' -}}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
)JINJA";

constexpr std::string_view kLlama3 = R"JINJA(
{{- bos_token -}}
{%- for message in messages -%}
{%- set role = 'ipython' if message.role == 'tool' else message.role -%}
{{- '<|start_header_id|>' + role + '<|end_header_id|>\n\n' + ((message.content or '') | trim) -}}
{%- if message.tool_calls -%}{{- write_calls(message.tool_calls) -}}{%- endif -%}
{{- '<|eot_id|>' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\n\n' -}}{%- endif -%}
)JINJA";

constexpr std::string_view kGemma = R"JINJA(
{{- bos_token -}}
{%- set ns = namespace(system='') -%}
{%- for message in messages -%}
{%- if message.role == 'system' -%}
{%- set ns.system = ns.system + (message.content or '') + '\n\n' -%}
{%- else -%}
{%- set role = 'model' if message.role == 'assistant' else 'user' -%}
{%- set prefix = 'Tool result:\n' if message.role == 'tool' else '' -%}
{{- '<start_of_turn>' + role + '\n' + (ns.system if role == 'user' else '') + prefix + ((message.content or '') | trim) -}}
{%- if message.tool_calls -%}{{- write_calls(message.tool_calls) -}}{%- endif -%}
{{- '<end_of_turn>\n' -}}
{%- if role == 'user' -%}{%- set ns.system = '' -%}{%- endif -%}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<start_of_turn>model\n' -}}{%- endif -%}
)JINJA";

constexpr std::string_view kPhi3 = R"JINJA(
{%- for message in messages -%}
{%- set role = 'user' if message.role == 'tool' else message.role -%}
{%- set prefix = 'Tool result:\n' if message.role == 'tool' else '' -%}
{{- '<|' + role + '|>\n' + prefix + (message.content or '') -}}
{%- if message.tool_calls -%}{{- write_calls(message.tool_calls) -}}{%- endif -%}
{{- '<|end|>\n' -}}
{%- endfor -%}
{%- if add_generation_prompt -%}{{- '<|assistant|>\n' -}}{%- endif -%}
)JINJA";

constexpr std::string_view kMistral = R"JINJA(
{{- bos_token -}}
{%- set ns = namespace(system='') -%}
{%- for message in messages -%}
{%- if message.role == 'system' -%}
{%- set ns.system = ns.system + (message.content or '') + '\n\n' -%}
{%- elif message.role == 'assistant' -%}
{{- ' ' + ((message.content or '') | trim) -}}
{%- if message.tool_calls -%}{{- write_calls(message.tool_calls) -}}{%- endif -%}
{{- eos_token -}}
{%- else -%}
{%- set prefix = 'Tool result:\n' if message.role == 'tool' else '' -%}
{{- '[INST] ' + ns.system + prefix + ((message.content or '') | trim) + ' [/INST]' -}}
{%- set ns.system = '' -%}
{%- endif -%}
{%- endfor -%}
)JINJA";

constexpr std::string_view kLlama2 = R"JINJA(
{%- set ns = namespace(system='') -%}
{%- for message in messages -%}
{%- if message.role == 'system' -%}
{%- set ns.system = ns.system + (message.content or '') -%}
{%- elif message.role == 'assistant' -%}
{{- ' ' + ((message.content or '') | trim) -}}
{%- if message.tool_calls -%}{{- write_calls(message.tool_calls) -}}{%- endif -%}
{{- ' ' + eos_token -}}
{%- else -%}
{%- set prefix = 'Tool result:\n' if message.role == 'tool' else '' -%}
{%- set system = '<<SYS>>\n' + ns.system + '\n<</SYS>>\n\n' if ns.system else '' -%}
{{- bos_token + '[INST] ' + system + prefix + ((message.content or '') | trim) + ' [/INST]' -}}
{%- set ns.system = '' -%}
{%- endif -%}
{%- endfor -%}
)JINJA";

constexpr std::array<std::string_view, 2> kChatMlTokens = {"<|im_start|>", "<|im_end|>"};
constexpr std::array<std::string_view, 3> kLlama3Tokens = {"<|start_header_id|>", "<|end_header_id|>",
                                                           "<|eot_id|>"};
constexpr std::array<std::string_view, 2> kGemmaTokens = {"<start_of_turn>", "<end_of_turn>"};
constexpr std::array<std::string_view, 3> kPhi3Tokens = {"<|user|>", "<|assistant|>", "<|end|>"};
constexpr std::array<std::string_view, 2> kMistralTokens = {"[INST]", "[/INST]"};
constexpr std::array<std::string_view, 2> kLlama2Tokens = {"<s>", "</s>"};

constexpr std::array<BuiltinChatTemplate, 6> kTemplates = {{
    {"chatml", kChatMlTokens, kChatMl, false},
    {"llama3", kLlama3Tokens, kLlama3, true},
    {"gemma", kGemmaTokens, kGemma, true},
    {"phi3", kPhi3Tokens, kPhi3, true},
    {"mistral", kMistralTokens, kMistral, true},
    {"llama2", kLlama2Tokens, kLlama2, true},
}};

}  // namespace

std::string BuiltinChatTemplate::full_source() const {
    std::string out;
    if (uses_generic_calls) out += kGenericCalls;
    out += source;
    return out;
}

std::span<const BuiltinChatTemplate> builtin_chat_templates() {
    return kTemplates;
}

const BuiltinChatTemplate* select_builtin_chat_template(
    const std::function<bool(std::string_view)>& has_token) {
    for (const BuiltinChatTemplate& row : kTemplates) {
        bool all = true;
        for (std::string_view token : row.tokens)
            all = all && has_token(token);
        if (all) return &row;
    }
    return nullptr;
}

}  // namespace vela::openai
