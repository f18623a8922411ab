"""Django's SQLite backend, creating the folder of its database file when it first connects:
settings only name the file (importing them writes nothing), so a fresh checkout's `manage.py
migrate` still works without `scripts/run` having made `var/` first."""

from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        name = str(conn_params["database"])
        # In-memory databases (the test database among them) have no folder.
        if name != ":memory:" and not name.startswith("file:"):
            Path(name).parent.mkdir(parents=True, exist_ok=True)
        return super().get_new_connection(conn_params)
