"""Agent-based model of a great power balancing between two rivals (Russia, Israel, Iran, the USA)."""

__version__ = "0.1.0"
