"""The JSON Schema of each file kind, as ``govmedia schema`` writes it to schemas/json/ (editors complete and
validate register files with it)."""

from __future__ import annotations

import json

from govmedia.schemas import MODELS

HEADER = "generated from schemas/*.py by `govmedia schema`: do not edit"


def render(kind: str) -> str:
    schema = MODELS[kind].model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$comment": HEADER, **schema}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
