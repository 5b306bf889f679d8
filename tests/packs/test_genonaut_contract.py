from __future__ import annotations

from typing import Any, ClassVar

from tests.conftest import ADMIN, SMALL
from tests.packs.contract import PackContract


class TestGenonautContract(PackContract):
    pack_name = "genonaut"
    config: ClassVar[dict[str, Any]] = {**SMALL["seed_data_generator"], "admin_uuid": ADMIN}
    batch_variant: ClassVar[dict[str, Any]] = {
        "batch_size_users": 7,
        "batch_size_content_items": 333,
        "batch_size_content_items_auto": 1000,
        "batch_size_generation_jobs": 50,
    }
