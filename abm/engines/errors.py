"""Engine errors: an engine that cannot start, e.g. its optional package is missing or its cluster unreachable."""


class EngineError(RuntimeError):
    """An engine that cannot start, with one line saying why and what to do."""
