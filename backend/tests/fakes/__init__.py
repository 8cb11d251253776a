"""Fakes at the provider boundary only; they speak the real wire formats.

`tests.fakes.openai_server` is also a pytest plugin providing the `fake_openai`,
`fake_openai_server` and `fake_openai_env` fixtures (register it with
`pytest_plugins = ["tests.fakes.openai_server"]` in the root conftest).
"""
