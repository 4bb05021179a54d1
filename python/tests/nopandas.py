"""Makes pandas (and pyarrow) unimportable in this process: the pandas-free path is then the only one."""

import sys
from typing import Any, Optional


class _Blocked:
    """A meta-path finder that refuses pandas and pyarrow, whether or not they are installed."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Optional[Any]:
        if name.split(".")[0] in ("pandas", "pyarrow"):
            raise ImportError(f"{name} is blocked here: Downhill's Python package must work without it")
        return None


def block() -> None:
    sys.meta_path.insert(0, _Blocked())
