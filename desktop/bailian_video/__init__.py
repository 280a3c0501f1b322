"""Bailian Video Studio: a desktop studio for DashScope video generation."""

__version__ = "0.1.0"
