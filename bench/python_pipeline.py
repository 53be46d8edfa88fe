#!/usr/bin/env python3
"""sitrep's answer pipeline in Python, for `sitrep bench` to time beside sitrep itself:
bm25s retrieves the passages, the same all-MiniLM-L6-v2 (the committed F16 weights, run
by onnxruntime) embeds the question, and the candidate passages' sentences are ranked by
cosine. Sentence vectors are computed before timing, as sitrep's are at index time.

    python_pipeline.py SQUAD_FILE MODEL_DIR --questions N --check CHECK_JSONL

Prints one JSON line: p50/p99 in ms, how often the best sentence holds a gold answer, and
the largest difference from sitrep's vectors of the sentences in CHECK_JSONL (the proof
that both run the same model). Run by bench/python_pipeline.sh, which makes the venv.
"""

import argparse
import json
import pathlib
import re
import struct
import sys
import time

import bm25s
import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper
from tokenizers import Tokenizer

HIDDEN, HEADS, LAYERS, EPS = 384, 12, 6, 1e-12
# sitrep hands 20 passages to sentence ranking on a corpus this small.
PASSAGES = 20
THREADS = 2


def read_safetensors(path: pathlib.Path) -> dict:
    data = path.read_bytes()
    (length,) = struct.unpack_from("<Q", data)
    header = json.loads(data[8 : 8 + length])
    body = data[8 + length :]
    kinds = {"F16": np.float16, "F32": np.float32, "I64": np.int64}
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(body[start:end], dtype=kinds[info["dtype"]]).reshape(info["shape"])
        tensors[name] = array.astype(np.float32) if array.dtype == np.float16 else array
    return tensors


def bert_graph(weights: dict) -> onnx.ModelProto:
    """A BertModel with mean pooling and unit length, as sentence-transformers runs it."""
    nodes, inits = [], []
    counter = iter(range(1_000_000))

    def const(array, name=None):
        name = name or f"c{next(counter)}"
        inits.append(numpy_helper.from_array(np.asarray(array), name))
        return name

    def op(kind, inputs, **attrs):
        out = f"t{next(counter)}"
        nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def linear(x, prefix):
        w = const(weights[f"{prefix}.weight"].T.copy())
        return op("Add", [op("MatMul", [x, w]), const(weights[f"{prefix}.bias"])])

    def layer_norm(x, prefix):
        return op(
            "LayerNormalization",
            [x, const(weights[f"{prefix}.weight"]), const(weights[f"{prefix}.bias"])],
            axis=-1,
            epsilon=EPS,
        )

    ids, mask = "input_ids", "attention_mask"
    length = op("Gather", [op("Shape", [ids]), const(np.array(1, dtype=np.int64))], axis=0)
    positions = op("Range", [const(np.array(0, dtype=np.int64)), length, const(np.array(1, dtype=np.int64))])
    x = op("Add", [
        op("Gather", [const(weights["embeddings.word_embeddings.weight"]), ids]),
        op("Gather", [const(weights["embeddings.position_embeddings.weight"]), positions]),
    ])
    x = op("Add", [x, const(weights["embeddings.token_type_embeddings.weight"][0])])
    x = layer_norm(x, "embeddings.LayerNorm")
    maskf = op("Cast", [mask], to=TensorProto.FLOAT)
    # (1 - mask) * -1e4 on [batch, 1, 1, tokens]: padding gets no attention.
    bias = op("Mul", [op("Sub", [const(np.float32(1)), maskf]), const(np.float32(-1e4))])
    bias = op("Unsqueeze", [bias, const(np.array([1, 2], dtype=np.int64))])
    heads = const(np.array([0, 0, HEADS, HIDDEN // HEADS], dtype=np.int64))
    merged = const(np.array([0, 0, HIDDEN], dtype=np.int64))
    scale = const(np.float32(1 / np.sqrt(HIDDEN // HEADS)))
    for i in range(LAYERS):
        p = f"encoder.layer.{i}"
        split = lambda name: op("Transpose", [op("Reshape", [linear(x, f"{p}.attention.self.{name}"), heads])], perm=[0, 2, 1, 3])
        q, k, v = split("query"), split("key"), split("value")
        scores = op("Add", [op("Mul", [op("MatMul", [q, op("Transpose", [k], perm=[0, 1, 3, 2])]), scale]), bias])
        context = op("MatMul", [op("Softmax", [scores], axis=-1), v])
        context = op("Reshape", [op("Transpose", [context], perm=[0, 2, 1, 3]), merged])
        x = layer_norm(op("Add", [linear(context, f"{p}.attention.output.dense"), x]), f"{p}.attention.output.LayerNorm")
        h = linear(x, f"{p}.intermediate.dense")
        # The exact GELU: x/2 * (1 + erf(x/sqrt 2)).
        h = op("Mul", [op("Mul", [h, const(np.float32(0.5))]),
                       op("Add", [op("Erf", [op("Mul", [h, const(np.float32(1 / np.sqrt(2)))])]), const(np.float32(1))])])
        x = layer_norm(op("Add", [linear(h, f"{p}.output.dense"), x]), f"{p}.output.LayerNorm")
    weight = op("Unsqueeze", [maskf, const(np.array([2], dtype=np.int64))])
    summed = op("ReduceSum", [op("Mul", [x, weight]), const(np.array([1], dtype=np.int64))], keepdims=0)
    mean = op("Div", [summed, op("ReduceSum", [weight, const(np.array([1], dtype=np.int64))], keepdims=0)])
    norm = op("Sqrt", [op("ReduceSum", [op("Mul", [mean, mean]), const(np.array([1], dtype=np.int64))], keepdims=1)])
    nodes.append(helper.make_node("Div", [mean, norm], ["embedding"]))
    graph = helper.make_graph(
        nodes,
        "minilm",
        [helper.make_tensor_value_info(n, TensorProto.INT64, ["batch", "tokens"]) for n in (ids, mask)],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, ["batch", HIDDEN])],
        inits,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])


class Encoder:
    def __init__(self, model_dir: pathlib.Path):
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        model = bert_graph(read_safetensors(model_dir / "model.safetensors"))
        options = ort.SessionOptions()
        options.intra_op_num_threads = THREADS
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(model.SerializeToString(), options, providers=["CPUExecutionProvider"])

    def embed(self, texts: list) -> np.ndarray:
        out = []
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        for start in range(0, len(order), 32):
            batch = [texts[i] for i in order[start : start + 32]]
            encodings = self.tokenizer.encode_batch(batch)
            width = max(len(e.ids) for e in encodings)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, e in enumerate(encodings):
                ids[row, : len(e.ids)] = e.ids
                mask[row, : len(e.ids)] = 1
            out.append(self.session.run(None, {"input_ids": ids, "attention_mask": mask})[0])
        vectors = np.concatenate(out) if out else np.zeros((0, HIDDEN), np.float32)
        result = np.empty_like(vectors)
        result[order] = vectors
        return result


SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'“])")


def normalise(text: str) -> str:
    text = re.sub(r"\b(a|an|the)\b", " ", text.lower())
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("squad")
    parser.add_argument("model")
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--check", required=True)
    args = parser.parse_args()

    encoder = Encoder(pathlib.Path(args.model))
    check = [json.loads(line) for line in open(args.check)]
    ours = encoder.embed([c["sentence"] for c in check])
    difference = max(float(np.abs(v - np.asarray(c["vector"])).max()) for v, c in zip(ours, check))

    passages, questions = [], []
    for article in json.load(open(args.squad))["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                questions.append((qa["question"], [a["text"] for a in qa["answers"]]))
            passages.append(paragraph["context"])
    questions = questions[: args.questions]
    sentences = [SENTENCE_END.split(p) for p in passages]
    vectors = [encoder.embed(s) for s in sentences]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(passages, stopwords="en", show_progress=False), show_progress=False)

    def answer(question: str) -> str:
        tokens = bm25s.tokenize([question], stopwords="en", show_progress=False)
        found, _ = retriever.retrieve(tokens, k=PASSAGES, show_progress=False, n_threads=1)
        asked = encoder.embed([question])[0]
        best, best_score = "", -2.0
        for p in found[0]:
            scores = vectors[p] @ asked
            i = int(scores.argmax())
            if scores[i] > best_score:
                best, best_score = sentences[p][i], float(scores[i])
        return best

    for question, _ in questions:
        answer(question)  # warm, as sitrep's bench does
    times, right = [], 0
    for question, golds in questions:
        started = time.perf_counter()
        best = answer(question)
        times.append((time.perf_counter() - started) * 1000)
        right += any(normalise(g) in normalise(best) for g in golds)
    times.sort()
    print(json.dumps({
        "questions": len(times),
        "passages": len(passages),
        "p50_ms": times[len(times) // 2],
        "p99_ms": times[min(len(times) - 1, len(times) * 99 // 100)],
        "best_sentence_has_answer": right / len(times),
        "max_vector_difference": difference,
    }))


if __name__ == "__main__":
    sys.exit(main())
