"""Text-to-speech engines, each a small adapter registered by name."""

from . import espeak_engine, festival_engine, piper_engine, recorded_engine  # noqa: F401  (registers the engines)
from .base import Engine, Utterance, engine_names, make_engine, register_engine
from .recorded_engine import MissingRecording
from .words import WordTime

__all__ = ["Engine", "MissingRecording", "Utterance", "WordTime", "engine_names", "make_engine", "register_engine"]
