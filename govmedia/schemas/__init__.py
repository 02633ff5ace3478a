"""pydantic models: what a valid file is. The source of truth for ``schemas/json/``."""

from pydantic import BaseModel

from govmedia.schemas.account import Account
from govmedia.schemas.announcement import Announcement
from govmedia.schemas.governance import Governance
from govmedia.schemas.request import Approval, Request
from govmedia.schemas.unit import Unit

# File kind -> model; the JSON Schema of each is exported to schemas/json/<kind>.schema.json.
MODELS: dict[str, type[BaseModel]] = {
    "governance": Governance,
    "unit": Unit,
    "account": Account,
    "request": Request,
    "approval": Approval,
    "announcement": Announcement,
}

__all__ = ["MODELS", "Account", "Announcement", "Approval", "Governance", "Request", "Unit"]
