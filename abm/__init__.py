"""cpsim: an agent-based simulation of a local child protection system in England."""

__version__ = "0.1.0"
