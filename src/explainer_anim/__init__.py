"""explainer_anim: narrated, animated explainers of research papers."""

__version__ = "0.1.0"
