"""Chat and embedding providers; registry.py maps names to them."""
