"""Why Language Models Hallucinate (Kalai, Nachum, Vempala & Zhang, 2025): content package."""
