"""Rendering for people and files: tables (``tables``), figures (``figures``) and exports (``export``).

Everything here reads :class:`~gigawatt.core.results.Result` objects only — their ``data`` and frames — so a
run printed from the store looks exactly like the run that made it.
"""
