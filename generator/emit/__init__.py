"""Emit: the model in, the text files of a client project out (then formatted with black)."""

from generator.emit.environment import make_environment
from generator.emit.format import FormatError, format_files
from generator.emit.render import base_context, render_api

__all__ = ["FormatError", "base_context", "format_files", "make_environment", "render_api"]
