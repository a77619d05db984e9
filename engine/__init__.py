"""Krabuan's engine: the core of the product and the only package that imports SpiffWorkflow.

Public entry point: ``engine.app.Krabuan``; settings: ``engine.settings.Settings``;
errors: ``engine.errors``; returned types: ``engine.views``.
"""
__version__ = "0.1.0"
