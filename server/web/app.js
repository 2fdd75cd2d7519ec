// The vela chat UI: picks a model from /v1/models, streams /v1/chat/completions with the official wire
// format, shows reasoning apart (collapsible) and tool calls, stops a reply on demand (aborting the
// fetch makes the server cancel the generation), and reports tokens per second from the usage chunk.
import {readEvents} from "/sse.js";

const $ = (id) => document.getElementById(id);
const state = {history: [], controller: null};

function headers() {
  const h = {"Content-Type": "application/json"};
  const key = $("api-key").value.trim();
  if (key) h["Authorization"] = `Bearer ${key}`;
  return h;
}

function setStatus(text) { $("status").textContent = text; }

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function addMessage(role, text) {
  const node = element("div", `message ${role}`);
  if (text !== undefined) node.append(element("div", "content", text));
  $("messages").append(node);
  node.scrollIntoView({block: "end"});
  return node;
}

async function errorText(response) {
  try {
    const body = await response.json();
    return body?.error?.message ?? JSON.stringify(body);
  } catch {
    return `HTTP ${response.status}`;
  }
}

async function loadModels() {
  const select = $("model");
  const previous = select.value || localStorage.getItem("vela.model");
  try {
    const response = await fetch("/v1/models", {headers: headers()});
    if (!response.ok) {
      setStatus(response.status === 401 ? "This server needs an API key (Settings)." : await errorText(response));
      return;
    }
    const {data} = await response.json();
    select.replaceChildren(...data.map((m) => {
      const option = element("option", "", m.status && m.status !== "ready" ? `${m.id} (${m.status})` : m.id);
      option.value = m.id;
      return option;
    }));
    if (previous && data.some((m) => m.id === previous)) select.value = previous;
    const loading = data.some((m) => m.status === "loading");
    setStatus(loading ? "The model is loading..." : "");
    if (loading) setTimeout(loadModels, 2000);
  } catch (e) {
    setStatus(`Cannot reach the server: ${e.message}`);
  }
}

// One assistant reply: content, a collapsible reasoning block, tool-call blocks and a stats line.
class Reply {
  constructor() {
    this.node = addMessage("assistant");
    this.reasoning = element("details", "reasoning");
    this.reasoning.append(element("summary", "", "Thinking"), element("div", "reasoning-text"));
    this.reasoning.hidden = true;
    this.reasoning.open = true;
    this.content = element("div", "content");
    this.tools = element("div", "tools");
    this.stats = element("div", "stats");
    this.node.append(this.reasoning, this.content, this.tools, this.stats);
    this.text = "";
    this.reasoningText = "";
    this.calls = [];
  }
  addReasoning(piece) {
    this.reasoning.hidden = false;
    this.reasoningText += piece;
    this.reasoning.querySelector(".reasoning-text").textContent = this.reasoningText;
  }
  addContent(piece) {
    if (this.text === "" && this.reasoningText !== "") this.reasoning.open = false;
    this.text += piece;
    this.content.textContent = this.text;
  }
  addToolCall(delta) {
    let call = this.calls[delta.index];
    if (!call) {
      call = {id: delta.id, type: "function", function: {name: "", arguments: ""}, node: element("div", "tool-call")};
      this.calls[delta.index] = call;
      this.tools.append(call.node);
    }
    if (delta.function?.name) call.function.name += delta.function.name;
    if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
    call.node.textContent = `call ${call.function.name}(${call.function.arguments})`;
  }
  fail(message) {
    this.node.classList.add("error");
    this.stats.textContent = message;
  }
  message() {
    const message = {role: "assistant", content: this.text};
    const calls = this.calls.filter(Boolean).map(({id, type, function: f}) => ({id, type, function: f}));
    if (calls.length > 0) message.tool_calls = calls;
    return message;
  }
}

async function send(text) {
  const model = $("model").value;
  if (!model) {
    setStatus("No model to talk to yet.");
    return;
  }
  localStorage.setItem("vela.model", model);
  state.history.push({role: "user", content: text});
  addMessage("user", text);
  const reply = new Reply();
  const messages = [];
  const system = $("system").value.trim();
  if (system) messages.push({role: "system", content: system});
  messages.push(...state.history);
  const body = {
    model, messages, stream: true, stream_options: {include_usage: true},
    temperature: Number($("temperature").value), max_tokens: Number($("max-tokens").value),
    chat_template_kwargs: {enable_thinking: $("thinking").checked},
  };
  const controller = new AbortController();
  state.controller = controller;
  $("send").disabled = true;
  $("stop").hidden = false;
  const started = performance.now();
  let firstToken = 0;
  let usage = null;
  let finish = null;
  try {
    const response = await fetch("/v1/chat/completions",
                                 {method: "POST", headers: headers(), body: JSON.stringify(body), signal: controller.signal});
    if (!response.ok) throw new Error(await errorText(response));
    for await (const data of readEvents(response, controller.signal)) {
      if (data === "[DONE]") break;
      const chunk = JSON.parse(data);
      if (chunk.error) throw new Error(chunk.error.message);
      if (chunk.usage) usage = chunk.usage;
      for (const choice of chunk.choices ?? []) {
        const delta = choice.delta ?? {};
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if ((reasoning || delta.content || delta.tool_calls) && !firstToken) firstToken = performance.now();
        if (reasoning) reply.addReasoning(reasoning);
        if (delta.content) reply.addContent(delta.content);
        for (const call of delta.tool_calls ?? []) reply.addToolCall(call);
        if (choice.finish_reason) finish = choice.finish_reason;
      }
    }
    const elapsed = (performance.now() - (firstToken || started)) / 1000;
    const tokens = usage?.completion_tokens ?? 0;
    const rate = tokens > 1 && elapsed > 0 ? ((tokens - 1) / elapsed).toFixed(1) : "-";
    reply.stats.textContent = `${tokens} tokens · ${rate} tokens/s · first token after ` +
                              `${Math.round((firstToken || performance.now()) - started)} ms · ${finish ?? "stopped"}`;
  } catch (e) {
    if (e.name === "AbortError") {
      reply.stats.textContent = "stopped";
    } else {
      reply.fail(e.message);
    }
  } finally {
    state.history.push(reply.message());
    state.controller = null;
    $("send").disabled = false;
    $("stop").hidden = true;
  }
}

$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("input").value.trim();
  if (!text || state.controller) return;
  $("input").value = "";
  send(text);
});
$("input").addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey) {
    event.preventDefault();
    $("composer").requestSubmit();
  }
});
$("stop").addEventListener("click", () => state.controller?.abort());
$("clear").addEventListener("click", () => {
  state.controller?.abort();
  state.history = [];
  $("messages").replaceChildren();
});
$("api-key").value = localStorage.getItem("vela.apiKey") ?? "";
$("api-key").addEventListener("change", () => {
  localStorage.setItem("vela.apiKey", $("api-key").value.trim());
  loadModels();
});
loadModels();
