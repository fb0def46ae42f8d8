"""Text-to-speech engines, each a small adapter registered by name."""

from . import espeak_engine, piper_engine  # noqa: F401  (registers the engines)
from .base import Engine, Utterance, engine_names, make_engine, register_engine

__all__ = ["Engine", "Utterance", "engine_names", "make_engine", "register_engine"]
