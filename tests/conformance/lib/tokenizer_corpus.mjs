// A corpus of awkward text for tokenizer conformance tests: many scripts, emoji sequences, combining
// marks in NFC and NFD, whitespace runs, digits, contractions in several cases, code, URLs, special
// tokens written inside text, leading/trailing spaces, the empty string and very long words.
//
// Characters on which the JavaScript reference (transformers.js, whose `\s` differs from Hugging Face's
// Rust tokenizers) is known to disagree with the original tokenizers are kept out of `corpus` and
// listed in `jsRegexDivergences` instead: U+FEFF (JS `\s` matches it, Oniguruma and llama.cpp do not)
// and U+0085 NEXT LINE (Oniguruma and llama.cpp treat it as whitespace, JS does not).

const repeat = (s, n) => Array.from({ length: n }, () => s).join("");

export const corpus = [
  // empty and whitespace
  "",
  " ",
  "  ",
  "\t",
  "\n",
  "\n\n\n",
  "\r\n",
  " \r\n \r\n",
  "\t\t\tindented with tabs\n\t\t\t\tand more",
  "trailing spaces   ",
  "   leading spaces",
  "  both  ",
  "a\u00a0non-breaking\u00a0space and \u3000ideographic\u3000space",
  "thin\u2009space, en\u2002space, zero\u200bwidth, word\u2060joiner",
  "line1\nline2\r\nline3\rline4\u2028line5\u2029line6",
  repeat(" ", 40) + "x" + repeat("\n", 17) + "y" + repeat("\t", 9),
  "mixed \t \n \t\n  \n\t whitespace   \n",
  // plain English, contractions, case
  "Hello world",
  "Hello, world! How are you doing today?",
  "I'm sure they'll say we'd've been fine, isn't it? You're right, he's gone.",
  "I'M SURE THEY'LL SAY WE'D'VE BEEN FINE, ISN'T IT? YOU'RE RIGHT, HE'S GONE.",
  "i'M sUrE tHeY'lL, We'D, yOu'Re, It'S, dOn'T",
  "'s 't 're 've 'm 'll 'd 'S 'T 'RE 'VE 'M 'LL 'D",
  "rock 'n' roll, O'Neil's ''quoted'' and `backticks'",
  "The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX!",
  // digits
  "0",
  "12",
  "123",
  "1234",
  "12345678901234567890",
  "3.14159265358979 and 2.71828, 1,000,000.00 and 1e-10",
  "Call +1 (555) 123-4567 or 555.123.4567 before 2024-12-31T23:59:59Z",
  "٠١٢٣٤٥٦٧٨٩ ०१२३४५६७८९ ０１２３４５６７８９ ⅠⅡⅢⅣ ½ ¾ ²³",
  // other scripts
  "Привет, как дела? Съешь же ещё этих мягких французских булок.",
  "Γειά σου Κόσμε! Ξεσκεπάζω την ψυχοφθόρα βδελυγμία.",
  "你好，世界！我想在苹果工作1314151天～",
  "東京は日本の首都です。カタカナとひらがなを混ぜる。ｶﾀｶﾅ半角",
  "안녕하세요 세계! 한국어 텍스트입니다.",
  "مرحبا بالعالم! هذا نص عربي مع أرقام ١٢٣ و 456.",
  "שלום עולם! זה טקסט בעברית.",
  "नमस्ते दुनिया! यह हिंदी पाठ है। क्षत्रिय",
  "สวัสดีชาวโลก นี่คือข้อความภาษาไทย",
  "Xin chào thế giới! Cửa Việt, Tiếng Việt có dấu.",
  "வணக்கம் உலகம் — বাংলা লেখা — ქართული — Հայերեն — አማርኛ — ខ្មែរ — བོད་ཡིག",
  "English mixed with 中文 and العربية and हिन्दी in one sentence.",
  // emoji
  "🦙 llama.cpp 🚀",
  "👨‍👩‍👧‍👦 family, 👩🏽‍💻 coder, 🏳️‍🌈 flag, 🇫🇷🇯🇵 flags",
  "👍👍🏻👍🏼👍🏽👍🏾👍🏿 thumbs",
  "1️⃣ #️⃣ ©️ ®️ ™️ ❤️ ❤ ☺️",
  "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘",
  "🚀 (normal) 😶‍🌫️ (multiple emojis concatenated) ✅ (only emoji that has its own token)",
  // combining marks, NFC and NFD
  "caf\u00e9 vs cafe\u0301",
  "\u00c5ngstr\u00f6m vs A\u030angstro\u0308m vs \u212bngstr\u00f6m",
  "\ud55c\uad6d\uc5b4 vs \u1112\u1161\u11ab\u1100\u116e\u11a8\u110b\u1165",
  "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA\u036b\u0357\u0334\u0362\u0335\u031c\u0330\u0354L\u0368\u0367\u0369\u0358\u0320G\u0311\u0357\u030e\u0305\u035b\u0341\u0334\u033b\u0348\u034d\u0354\u0339O\u0342\u030c\u030c\u0358\u0328\u0335\u0339\u033b\u031d\u0333",
  "e\u0301\u0302\u0303 o\u0308\u0304 \u1e9b\u0323 \ufb01 \ufb03",
  // code
  "def main():\n    print(\"hello\")\n    return 0\n\nif __name__ == \"__main__\":\n    main()\n",
  "for (int i = 0; i < n; ++i) {\n\tsum += a[i] * b[i];\n}\n",
  "const x = {a: 1, \"b\": [true, null, 3.5e-2]}; // comment\n/* block */",
  "<div class=\"main\"><p>Hello &amp; welcome</p></div>",
  "SELECT * FROM users WHERE name LIKE '%o''brien%' AND id >= 42;",
  "$ ls -la | grep '\\.txt$' && echo \"done\" >> /tmp/log 2>&1",
  "x+=1;y-=2;z*=3;w/=4;a**=5;b//=6;c%=7;d&=8;e|=9;f^=10;g<<=1;h>>=2",
  // URLs and punctuation runs
  "https://example.com/path/to/page?query=1&other=two#fragment",
  "mailto:someone@example.org, ftp://files.example.net:21/pub/",
  "!!!!!! ??? ... --- *** ### @@@ $$$ %%% ^^^ &&& ((( ))) [[[ ]]] {{{ }}}",
  "…—–‘’“”«»„‚†‡•·¡¿§¶",
  // special and added tokens written inside text
  "<|im_start|>user\nHello!<|im_end|>\n<|im_start|>assistant\n",
  "<s>[INST] Hello [/INST] Hi!</s><s>[INST] again [/INST]",
  "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>",
  "<start_of_turn>user\nhello<end_of_turn>\n<start_of_turn>model\n",
  "<bos><eos><pad><unk><mask>",
  "<|endoftext|>text after end of text<|endoftext|>",
  "<think>\nreasoning here\n</think>\n\nanswer",
  "<tool_call>\n{\"name\": \"f\", \"arguments\": {}}\n</tool_call>",
  "almost special: <|im_start| and im_start|> and <|im_end and <s and s> and </ s>",
  "a<s>b</s>c<unk>d",
  " <s> spaced </s> ",
  "<table><tr><td>cell</td></tr></table><h1>Title</h1><b>bold</b>",
  "<0x41> <0xFF> are written byte-token names",
  "\u2581literal\u2581metaspace\u2581\u2581chars \u2581",
  // control characters
  "null\u0000char and bell\u0007 and escape\u001b[31m and del\u007f",
  // long words
  repeat("a", 3000),
  repeat("supercalifragilisticexpialidocious", 120),
  repeat("ab", 1500) + " " + repeat("日本語", 400),
  repeat("🦙", 300),
  repeat("1234567890", 100),
];

// Inputs on which transformers.js is expected to differ from the original tokenizers (see above).
export const jsRegexDivergences = [
  "zero\ufeffwidth no-break space",
  "next\u0085line",
  "a \ufeff\ufeff b\ufeff\ufeff",
  "a \u0085\u0085 b\u0085\u0085",
  "x\u0085\u0085\u0085\n",
  "x\ufeff\ufeff\ufeff\n",
];
