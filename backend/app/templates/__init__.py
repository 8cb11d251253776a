"""Workspace document templates: typed fields, ordered sections, generation from the knowledge, export."""
