"""The Dask engine: runs on a dask.distributed cluster, by default a local one on 127.0.0.1.

dask and distributed are imported only when the engine starts, so the base install works
without the [dask] extra; without it, starting the engine raises one EngineError saying
how to install it.
"""

from __future__ import annotations

import importlib.util
import logging
import os

from abm.engines.errors import EngineError

MISSING = "the dask engine needs dask and distributed: install with pip install .[dask]"
DASHBOARD = "127.0.0.1:8787"


class DaskEngine:
    """Runs tasks on a Dask cluster: a new local one, or the scheduler at `address`.

    Without an address it starts a `LocalCluster` of `workers` single-threaded worker
    processes (default: one per core) whose scheduler and workers listen on 127.0.0.1
    only, with the dashboard off unless `dashboard` is true (then on 127.0.0.1:8787, or the
    next free port; it needs bokeh). With an address it connects to that scheduler and uses
    whatever workers it has, so `workers` must not be given. Entering starts or connects,
    leaving closes what was started (also on error or interrupt).
    """

    def __init__(self, workers: int | None = None, address: str | None = None, dashboard: bool = False):
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        if address is not None and (workers is not None or dashboard):
            raise ValueError("a Dask cluster at an address has its own workers and dashboard")
        self.workers = workers
        self.address = address
        self.dashboard = dashboard
        self._cluster = None
        self._client = None

    def __enter__(self) -> DaskEngine:
        distributed = _import()
        try:
            if self.address is not None:
                self._client = distributed.Client(self.address, timeout="30s")
            else:
                self._cluster = distributed.LocalCluster(
                    n_workers=self.workers or os.cpu_count() or 1, threads_per_worker=1, processes=True,
                    host="127.0.0.1", dashboard_address=DASHBOARD if self.dashboard else None,
                    silence_logs=logging.ERROR)
                self._client = distributed.Client(self._cluster)
        except (OSError, TimeoutError) as e:
            self.__exit__(None, None, None)
            where = f"the Dask scheduler at {self.address}" if self.address else "a local Dask cluster"
            raise EngineError(f"cannot reach {where}: {e}") from None
        return self

    @property
    def dashboard_link(self) -> str | None:
        """The dashboard's address, when this engine started one."""
        return self._client.dashboard_link if self.dashboard and self._client is not None else None

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None

    def map(self, fn, items):
        """Yield (index, fn(item)) for each item, in completion order."""
        from distributed import as_completed

        futures = self._client.map(fn, list(items), pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        for future in as_completed(futures):
            result = future.result()
            future.release()
            yield index[future.key], result


def require() -> None:
    """Raise EngineError if distributed is not installed (without importing it)."""
    if importlib.util.find_spec("distributed") is None:
        raise EngineError(MISSING)


def _import():
    require()
    import distributed

    return distributed
