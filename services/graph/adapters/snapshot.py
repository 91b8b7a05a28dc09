"""Columnar sweep snapshots (Parquet): read the database once per sweep, not once per partition.

Every partition of a sweep reads (nearly) the same window of transactions. Reading it from the
database costs a Python object per value; reading a Parquet file costs a memory copy. So the
sweep's coordinator exports the window once (`export`) and partitions load it (`load`); the
file is removed when the sweep is merged. Workers must share the snapshot directory (one
machine, or a shared volume); a partition that cannot see the file reads the database instead.

A worker keeps the last frame it loaded: the partitions of a sweep read the same window, so the
second partition a worker runs starts from the frame (and the indexes derived from it, see
`TransactionFrame.derived`) the first one built. One frame per worker process at most; it is
dropped when the next sweep's snapshot is loaded or the file is removed.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from sqlalchemy.engine import Connection

from services.common.db import Database
from services.graph.adapters.tables import graph_transactions
from services.graph.core.frame import TransactionFrame

T = graph_transactions

SCHEMA = pa.schema(
    [
        ("tx_id", pa.string()),
        ("source", pa.string()),
        ("target", pa.string()),
        ("ts", pa.int64()),
        ("amount_usd", pa.float64()),
    ]
)
FETCH_ROWS = 200_000
_SELECT = f"SELECT tx_id, source, target, ts, amount_usd FROM {T.name} WHERE ts >= ? AND ts < ?"  # noqa: S608


class ParquetSnapshots:
    def __init__(self, database: Database, directory: Path) -> None:
        self.db = database
        self.directory = directory
        self._lock = threading.Lock()
        self._last: tuple[str, tuple[int, int], TransactionFrame] | None = None

    def export(self, name: str, span: tuple[int, int]) -> str:
        """Write transactions with span[0] <= ts < span[1] to <directory>/<name>.parquet."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{name}.parquet"
        rows_type = pa.struct(SCHEMA)
        with self.db.read() as conn, pq.ParquetWriter(path, SCHEMA) as writer:
            for batch in self._batches(conn, span):
                # Arrow converts the row tuples itself (C++): 6x faster than splitting them
                # into Python columns first, and the export is the sweep's serial step.
                rows = pa.array(batch, type=rows_type)
                writer.write_table(pa.Table.from_struct_array(rows))
            if writer.is_open:
                writer.write_table(SCHEMA.empty_table())
        return str(path)

    def _batches(self, conn: Connection, span: tuple[int, int]) -> Iterator[list[Any]]:
        """Rows (tuples) of the window straight from the driver's cursor: SQLAlchemy's result
        rows cost more than the database's own work at millions of rows."""
        raw: Any = conn.connection.driver_connection
        if self.db.dialect == "postgresql":
            cursor = raw.cursor(name="graph_snapshot")  # server side: streamed, not buffered
            cursor.execute(_SELECT.replace("?", "%s"), span)
        else:
            cursor = raw.execute(_SELECT, span)
        try:
            while batch := cursor.fetchmany(FETCH_ROWS):
                yield batch
        finally:
            cursor.close()

    def load(self, path: str, span: tuple[int, int]) -> TransactionFrame | None:
        """The snapshot's rows in [span) as a frame, or None if this worker cannot see it."""
        if not Path(path).is_file():
            return None
        with self._lock:
            if self._last is not None and self._last[:2] == (path, span):
                return self._last[2]
            self._last = None  # release the previous sweep's frame before reading the next
            table = pq.read_table(path, filters=[("ts", ">=", span[0]), ("ts", "<", span[1])])
            frame = frame_from_table(table)
            self._last = (path, span, frame)
            return frame

    def remove(self, path: str) -> None:
        with self._lock:
            if self._last is not None and self._last[0] == path:
                self._last = None
        with contextlib.suppress(FileNotFoundError):
            Path(path).unlink()


def frame_from_table(table: pa.Table) -> TransactionFrame:
    """A frame from an Arrow table; accounts are interned by Arrow's dictionary encoding
    (C++), which is what makes loading 10M rows take seconds rather than minutes."""
    n = table.num_rows
    both = pa.concat_arrays([table["source"].combine_chunks(), table["target"].combine_chunks()])
    encoded = pc.dictionary_encode(both)
    codes = encoded.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    return TransactionFrame(
        np.asarray(encoded.dictionary.to_pylist(), dtype=object),
        np.asarray(table["tx_id"].to_pylist(), dtype=object),
        (codes[:n], codes[n:]),
        table["ts"].to_numpy().astype(np.int64),
        table["amount_usd"].to_numpy().astype(np.float64),
    )
