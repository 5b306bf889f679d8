from __future__ import annotations

from typing import Any, ClassVar

from tests.packs.contract import PackContract


class TestRetailContract(PackContract):
    pack_name = "retail"
    config: ClassVar[dict[str, Any]] = {
        "dimensions": {"stores": {"count": 2}, "products": {"count": 3}},
        "date_range": {"start": "2024-01-01", "end": "2024-03-31"},
    }
    batch_variant: ClassVar[dict[str, Any]] = {"batch_size": 37}
