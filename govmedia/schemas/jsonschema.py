"""The JSON Schemas of ``schemas/json/``, rendered from the pydantic models (editors validate with them)."""

from __future__ import annotations

import json

from govmedia.schemas import MODELS

HEADER = "generated from schemas/*.py by `govmedia schema`: do not edit"


def render(kind: str) -> str:
    """The JSON Schema of the model of ``kind`` (a key of :data:`govmedia.schemas.MODELS`), as written."""
    schema = MODELS[kind].model_json_schema()
    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$comment": HEADER, **schema}
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
