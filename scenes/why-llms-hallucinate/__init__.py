"""Why Language Models Hallucinate (Kalai, Nachum, Vempala & Zhang, 2025): content package."""

from . import exhibits  # noqa: F401  (registers the scenes)
