#!/usr/bin/env bash
# Makes (once) a Python venv with the pinned packages of python_pipeline.py and runs it.
# Called by `sitrep bench`; by hand:
#   bench/python_pipeline.sh VENV_DIR SQUAD_FILE MODEL_DIR --questions N --check CHECK_JSONL
set -euo pipefail
venv=$1
shift
if [[ ! -x $venv/bin/python ]] || ! "$venv/bin/python" -c 'import bm25s, onnx, onnxruntime, tokenizers' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check \
        bm25s==0.3.16 onnxruntime==1.32.0 onnx==1.23.2 tokenizers==0.23.3 numpy==2.4.6 scipy==1.17.1 >&2
fi
exec "$venv/bin/python" "$(dirname "$0")/python_pipeline.py" "$@"
