"""The Ray engine: runs on a Ray runtime, by default a local one on 127.0.0.1.

ray is imported only when the engine starts, so the base install works without the [ray]
extra; without it, starting the engine raises one EngineError saying how to install it.

A local runtime must listen on 127.0.0.1 only. Ray turns `_node_ip_address="127.0.0.1"`
into the machine's network address and binds its servers there (or on every interface)
unless it believes it is on a single machine, which `RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0`
tells it. So `start_local` sets that, with `RAY_USAGE_STATS_ENABLED=0` and
`RAY_AUTH_MODE=disabled`, before ray is imported, and refuses to start if ray was
imported before without it.
"""

from __future__ import annotations

import importlib.util
import logging
import os

from abm.engines.errors import EngineError

MISSING = "the ray engine needs ray: install with pip install .[ray]"
LOCAL_ENVIRONMENT = {
    "RAY_USAGE_STATS_ENABLED": "0",
    "RAY_AUTH_MODE": "disabled",
    "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER": "0",
}


def start_local(cpus: int) -> None:
    """Start a Ray runtime in this process with `cpus` CPUs, listening on 127.0.0.1 only, no dashboard."""
    os.environ.update(LOCAL_ENVIRONMENT)
    ray = _import()
    from ray._private import ray_constants

    if ray_constants.ENABLE_RAY_CLUSTER:
        raise EngineError("ray was imported before cpsim could keep it on 127.0.0.1; set "
                          "RAY_ENABLE_WINDOWS_OR_OSX_CLUSTER=0 before importing ray")
    ray.init(num_cpus=cpus, _node_ip_address="127.0.0.1", include_dashboard=False, log_to_driver=False,
             logging_level=logging.WARNING)


class RayEngine:
    """Runs tasks on Ray: a new local runtime, the runtime this process already has, or the cluster at `address`.

    At most `workers` tasks are handed to Ray at once (default: twice the runtime's CPUs,
    so none waits idle); a local runtime this engine starts has `workers` CPUs (default:
    one per core). A runtime this engine started is shut down on leaving (also on error or
    interrupt); one that was running before is left running.
    """

    def __init__(self, workers: int | None = None, address: str | None = None):
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1, not {workers}")
        self.workers = workers
        self.address = address
        self._started = False

    def __enter__(self) -> RayEngine:
        if self.address is None:
            os.environ.update(LOCAL_ENVIRONMENT)  # before ray is first imported: see the module docstring
        ray = _import()
        if ray.is_initialized():
            return self
        try:
            if self.address is not None:
                ray.init(address=self.address, log_to_driver=False, logging_level=logging.WARNING)
            else:
                start_local(self.workers or os.cpu_count() or 1)
        except ConnectionError as e:
            raise EngineError(f"cannot reach the Ray cluster at {self.address}: {e}") from None
        self._started = True
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self._started:
            _import().shutdown()
            self._started = False

    def map(self, fn, items):
        """Yield (index, fn(item)) for each item, in completion order, at most `workers` at a time."""
        ray = _import()
        remote = ray.remote(num_cpus=1)(_apply)
        fn_ref = ray.put(fn)
        queue = enumerate(items)
        limit = self.workers or 2 * max(1, int(ray.cluster_resources().get("CPU", 1)))
        pending: dict = {}

        def submit() -> None:
            while len(pending) < limit:
                nxt = next(queue, None)
                if nxt is None:
                    return
                pending[remote.remote(fn_ref, nxt[1])] = nxt[0]

        submit()
        while pending:
            (ref,), _ = ray.wait(list(pending), num_returns=1)
            i = pending.pop(ref)
            submit()
            yield i, ray.get(ref)


def _apply(fn, item):
    return fn(item)


def require() -> None:
    """Raise EngineError if ray is not installed (without importing it)."""
    if importlib.util.find_spec("ray") is None:
        raise EngineError(MISSING)


def _import():
    require()
    import ray

    return ray
