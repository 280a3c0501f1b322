"""Fixtures for the API client tests (the helpers live in ``api_helpers``)."""
from api_helpers import _clean_env, file_server, tmp_file  # noqa: F401 - fixtures
